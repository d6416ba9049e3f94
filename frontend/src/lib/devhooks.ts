// Hooks for the end-to-end tests, present only in development builds (what
// `wails dev` serves): they let a test load a large transcript without a
// server that talks for minutes. Production builds drop this code.
import { backend } from "../api/backend";
import type { Entry } from "../api/types";
import { appendEntries, beginSession, sessionStore } from "../stores/session";

declare global {
  interface Window {
    __smtpprobeTest?: {
      loadTranscript(n: number): void;
      listenSession(): string;
      endSession(id: string): void;
    };
  }
}

let off: (() => void) | null = null;

export function installDevHooks(): void {
  if (!import.meta.env.DEV) return;
  window.__smtpprobeTest = {
    /** Appends n synthetic lines in one batch and ends the session. */
    loadTranscript(n: number) {
      const id = "perf-" + Date.now();
      beginSession(id);
      const batch: Entry[] = [];
      for (let i = 1; i <= n; i++) {
        const dir = i % 3 === 0 ? "I" : i % 2 === 0 ? "S" : "C";
        batch.push({ seq: i, elapsed_ms: i * 1.5, dir, text: `${dir === "C" ? "RCPT TO:<user" + i + "@contoso.com>" : "250 2.1.5 Recipient OK " + i}`, tls: i % 5 === 0 });
      }
      appendEntries(id, batch);
      sessionStore.set({ ...sessionStore.get(), status: "done" });
    },
    /**
     * Starts a running session that listens to `session:<id>:entries` the
     * way runTest does (Wails EventsOn → appendEntries), so a test can stream
     * batches with window.runtime.EventsEmit. Returns the session id.
     */
    listenSession() {
      off?.();
      const id = "stream-" + Date.now();
      beginSession(id);
      off = backend.on(`session:${id}:entries`, (batch) => appendEntries(id, batch as Entry[]));
      return id;
    },
    /** Stops listening and marks the streamed session as done. */
    endSession(id: string) {
      off?.();
      off = null;
      const s = sessionStore.get();
      if (s.id === id) sessionStore.set({ ...s, status: "done" });
    },
  };
}
