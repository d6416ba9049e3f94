// Hooks for the end-to-end tests: they let a test load a large transcript
// without a server that talks for minutes. They exist in development builds
// (what `wails dev` serves) and in a production build made on purpose for
// measuring, `vite build --mode e2e` (E2E_FRONTEND=prod in e2e/run.sh).
// A normal `npm run build` / `wails build` drops this code: Vite replaces
// DEV and MODE with constants at build time, so the body below is dead code
// there and the minifier removes it (no `__smtpprobeTest` in dist/).
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
  // Both are constants after Vite's build-time replacement.
  if (!import.meta.env.DEV && import.meta.env.MODE !== "e2e") return;
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
     * Starts a running session that listens to EventSessionEntries the
     * way runTest does (Wails EventsOn → appendEntries), so a test can stream
     * batches with window.runtime.EventsEmit. Returns the session id.
     */
    listenSession() {
      off?.();
      const id = "stream-" + Date.now();
      beginSession(id);
      off = backend.onSessionEntries(id, (batch) => appendEntries(id, batch));
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
