// The built-in receiver's state, refreshed when Go says it changed.
import { backend, type ReceiverStatus } from "../api/backend";
import { createStore } from "./createStore";

export const receiverStore = createStore<ReceiverStatus | null>(null);

export async function refreshReceiver(): Promise<void> {
  try {
    receiverStore.set(await backend.receiverState());
  } catch {
    receiverStore.set(null);
  }
}

let subscribed = false;

/** Listens for receiver:changed once for the app's lifetime. */
export function watchReceiver(): void {
  if (subscribed) return;
  subscribed = true;
  backend.onReceiverChanged(() => void refreshReceiver());
}
