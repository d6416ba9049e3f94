// The saved profiles shown in the rail.
import { backend, errorText, type ProfileEntry } from "../api/backend";
import { createStore } from "./createStore";

export interface ProfilesState {
  loaded: boolean;
  entries: ProfileEntry[];
  error: string;
}

export const profilesStore = createStore<ProfilesState>({ loaded: false, entries: [], error: "" });

export async function refreshProfiles(): Promise<void> {
  try {
    const entries = await backend.listProfiles();
    profilesStore.set({ loaded: true, entries: entries ?? [], error: "" });
  } catch (e) {
    profilesStore.set({ loaded: true, entries: [], error: errorText(e) });
  }
}

/** Filters by name, host, domain or recipient, case-insensitively. */
export function filterProfiles(entries: ProfileEntry[], query: string): ProfileEntry[] {
  const q = query.trim().toLowerCase();
  if (!q) return entries;
  return entries.filter((e) => {
    const p = e.profile;
    const hay = [e.name, p?.target?.host, p?.target?.domain, ...(p?.envelope?.to ?? [])].join(" ").toLowerCase();
    return hay.includes(q);
  });
}
