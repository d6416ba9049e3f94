// The last check of the Sender checks page.
import { backend, errorText, type SenderReport } from "../api/backend";
import { createStore } from "./createStore";

export interface SenderState {
  loading: boolean;
  report: SenderReport | null;
  error: string;
}

export const senderStore = createStore<SenderState>({ loading: false, report: null, error: "" });

export interface SenderInput {
  ip: string;
  helo: string;
  from: string;
  from_header_domain: string;
  dns_server: string;
}

let generation = 0;

/** Runs the sender checks; a newer check makes the answer of an older one ignored. */
export async function checkSender(input: SenderInput): Promise<void> {
  const g = ++generation;
  senderStore.set({ loading: true, report: null, error: "" });
  try {
    const r = await backend.checkSender(input);
    if (g === generation) senderStore.set({ loading: false, report: r.report ?? null, error: r.error ?? "" });
  } catch (e) {
    if (g === generation) senderStore.set({ loading: false, report: null, error: errorText(e) });
  }
}
