// Export and "Copy as": the result is exported from Go's own copy (keyed by
// session id, never re-serialised here), and the swaks command or telnet
// script is built in Go from the form converted as for saving a profile, so
// the password never leaves the form.
import { backend, errorText, type ExportFormat } from "../api/backend";
import { createStore } from "./createStore";
import { formToProfile, type Form } from "./form";

export type CopyKind = "swaks" | "telnet";

export const EXPORT_FORMATS: ExportFormat[] = ["text", "html", "json", "raw"];

export interface ShareState {
  /** The text last copied, shown in a dialog so the user sees what went to the clipboard. */
  copied: { kind: CopyKind; text: string; ok: boolean } | null;
}

export const shareStore = createStore<ShareState>({ copied: null });

/** What an action reports back to the user. */
export interface Outcome {
  intent: "success" | "error" | "warning";
  /** Either a message key with params or a text already in the UI language (from Go). */
  key?: "export.done" | "copy.done.swaks" | "copy.done.telnet" | "copy.failed";
  params?: Record<string, string>;
  text?: string;
}

/** Exports session id's result; null when the user cancelled the save dialog. */
export async function exportSession(id: string, format: ExportFormat): Promise<Outcome | null> {
  try {
    const path = await backend.exportResult(id, format);
    return path ? { intent: "success", key: "export.done", params: { path } } : null;
  } catch (e) {
    return { intent: "error", text: errorText(e) };
  }
}

/** Builds the command for the form, copies it to the clipboard and opens the dialog showing it. */
export async function copyForm(kind: CopyKind, f: Form, lang: string): Promise<Outcome> {
  let text: string;
  try {
    // The name is not part of either output; the form needs none to be copied.
    const p = formToProfile(f, {}, "copy");
    text = kind === "swaks" ? await backend.copyAsSwaks(p) : await backend.copyAsTelnet(p, lang);
  } catch (e) {
    return { intent: "error", text: errorText(e) };
  }
  const ok = await backend.copyText(text).catch(() => false);
  shareStore.set({ copied: { kind, text, ok } });
  return ok ? { intent: "success", key: kind === "swaks" ? "copy.done.swaks" : "copy.done.telnet" } : { intent: "warning", key: "copy.failed" };
}

/** Copies the shown text again (the user may have copied something else since). */
export async function copyAgain(): Promise<boolean> {
  const c = shareStore.get().copied;
  if (!c) return false;
  const ok = await backend.copyText(c.text).catch(() => false);
  shareStore.set({ copied: { ...c, ok } });
  return ok;
}

export function closeCopied(): void {
  shareStore.set({ copied: null });
}
