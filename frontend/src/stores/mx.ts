// The last MX lookup shown in the Destination step.
import { backend, errorText, type MXResult } from "../api/backend";
import { langStore } from "../i18n";
import { createStore } from "./createStore";

export interface MXState {
  loading: boolean;
  result: MXResult | null;
  error: string;
}

export const mxStore = createStore<MXState>({ loading: false, result: null, error: "" });

let generation = 0;

/** Looks up the MX hosts; a newer lookup makes the answer of an older one ignored. */
export async function lookupMX(domain: string, dnsServer: string): Promise<void> {
  const g = ++generation;
  mxStore.set({ loading: true, result: null, error: "" });
  try {
    const r = await backend.lookupMX(domain, dnsServer, langStore.get());
    if (g === generation) mxStore.set({ loading: false, result: r, error: r.error ?? "" });
  } catch (e) {
    if (g === generation) mxStore.set({ loading: false, result: null, error: errorText(e) });
  }
}

export function clearMX(): void {
  generation++;
  mxStore.set({ loading: false, result: null, error: "" });
}
