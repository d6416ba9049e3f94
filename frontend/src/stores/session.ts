// The running (or last) test session: its steps as they stream in, the
// transcript lines and, at the end, the authoritative result from Go.
import type { Entry, RunResult, Step, StepEvent } from "../api/types";
import { createStore } from "./createStore";

export type SessionStatus = "idle" | "running" | "done" | "canceled" | "error";

export interface StepRow extends Step {
  host: string;
}

export interface SessionState {
  id: string;
  status: SessionStatus;
  /** Steps per host, in order; one host ("") unless "every MX". */
  steps: Record<string, StepRow[]>;
  hosts: string[];
  result: RunResult | null;
  error: string;
}

const idle: SessionState = { id: "", status: "idle", steps: {}, hosts: [], result: null, error: "" };

export const sessionStore = createStore<SessionState>(idle);

/**
 * What changes when transcript lines arrive. It is a store of its own so a
 * 50 ms batch re-renders the transcript pane only, not every component that
 * watches the session (the wizard, the run step).
 */
export interface TranscriptState {
  /** Bumped whenever lines are added or replaced; the lines live outside React state. */
  version: number;
  /** Bumped when the array is replaced (new session, final result): cached scans start over. */
  generation: number;
  /** How many lines there are. */
  count: number;
  /** Characters in the longest line, for the pane's horizontal scroll width. */
  longest: number;
}

export const transcriptStore = createStore<TranscriptState>({ version: 0, generation: 0, count: 0, longest: 0 });

// Transcript lines are kept in one mutable array that only grows: a batch is
// pushed in place (amortised O(1) a line), never copied, so 200 batches of
// 500 lines cost no more than one batch of 100,000.
let entries: Entry[] = [];
let lastSeq = new Map<string, number>();

export function transcriptLines(): readonly Entry[] {
  return entries;
}

function longestIn(lines: readonly Entry[], from: number, longest: number): number {
  for (let i = from; i < lines.length; i++) {
    const n = lines[i]?.text.length ?? 0;
    if (n > longest) longest = n;
  }
  return longest;
}

function replaceLines(next: Entry[]): void {
  entries = next;
  const t = transcriptStore.get();
  transcriptStore.set({ version: t.version + 1, generation: t.generation + 1, count: next.length, longest: longestIn(next, 0, 0) });
}

export function beginSession(id: string): void {
  lastSeq = new Map();
  replaceLines([]);
  sessionStore.set({ ...idle, id, status: "running" });
}

/** Adds a streamed batch, ignoring lines already seen (a batch may race the final result). */
export function appendEntries(id: string, batch: Entry[]): void {
  if (sessionStore.get().id !== id || batch.length === 0) return;
  const from = entries.length;
  for (const e of batch) {
    const key = e.host ?? "";
    if ((lastSeq.get(key) ?? 0) >= e.seq) continue;
    lastSeq.set(key, e.seq);
    entries.push(e);
  }
  if (entries.length === from) return;
  const t = transcriptStore.get();
  transcriptStore.set({ ...t, version: t.version + 1, count: entries.length, longest: longestIn(entries, from, t.longest) });
}

/** Applies a step change event: an update of a known step or a new one. */
export function applyStep(id: string, ev: StepEvent): void {
  const s = sessionStore.get();
  if (s.id !== id) return;
  const host = ev.host ?? "";
  const list = [...(s.steps[host] ?? [])];
  // An event lost on the way (the final result fills the gap) must not
  // leave a hole that the timeline would trip over.
  while (list.length < ev.index) list.push({ id: -1, name: "", status: "running", duration_ms: 0, offset_ms: 0, started: "", host });
  list[ev.index] = { ...ev.step, host };
  let hosts = s.hosts.includes(host) ? s.hosts : [...s.hosts, host];
  let steps = { ...s.steps, [host]: list };
  if (host !== "" && "" in steps) {
    // Every MX: the shared MX lookup streams under "" until the hosts are
    // known; Go then repeats it at the head of each host's list (as in the
    // final result), so the nameless row goes.
    const { "": _shared, ...named } = steps;
    void _shared;
    steps = named;
    hosts = hosts.filter((h) => h !== "");
  }
  sessionStore.set({ ...s, hosts, steps });
}

/** The final result replaces everything streamed: it is the authoritative copy. */
export function finishSession(id: string, r: RunResult): void {
  const s = sessionStore.get();
  if (s.id !== id) return;
  if (r.transcript) replaceLines(r.transcript);
  const steps: Record<string, StepRow[]> = {};
  const hosts: string[] = [];
  for (const run of r.runs ?? []) {
    const key = (r.runs.length > 1 ? run.host : "") ?? "";
    hosts.push(key);
    steps[key] = (run.steps ?? []).map((st) => ({ ...st, host: key }));
  }
  const status: SessionStatus = r.error && (r.runs ?? []).length === 0 ? "error" : r.canceled ? "canceled" : "done";
  sessionStore.set({ ...s, status, result: r, steps, hosts, error: r.error ?? "" });
}

export function failSession(id: string, message: string): void {
  const s = sessionStore.get();
  if (s.id !== id) return;
  sessionStore.set({ ...s, status: "error", error: message });
}

export function clearSession(): void {
  lastSeq = new Map();
  replaceLines([]);
  sessionStore.set(idle);
}
