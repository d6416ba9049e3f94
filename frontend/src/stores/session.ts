// The running (or last) test session: its steps as they stream in, the
// transcript lines and, at the end, the authoritative result from Go.
import type { Entry, RunResult, Step } from "../api/types";
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
  /** Bumped when transcript lines are added; the lines live outside React state. */
  entriesVersion: number;
}

const idle: SessionState = { id: "", status: "idle", steps: {}, hosts: [], result: null, error: "", entriesVersion: 0 };

export const sessionStore = createStore<SessionState>(idle);

// Transcript lines are kept in one mutable array: copying 100,000 lines on
// every 50 ms batch would cost more than drawing them.
let entries: Entry[] = [];
let lastSeq = new Map<string, number>();

export function transcriptLines(): readonly Entry[] {
  return entries;
}

export function beginSession(id: string): void {
  entries = [];
  lastSeq = new Map();
  sessionStore.set({ ...idle, id, status: "running", entriesVersion: 1 });
}

/** Adds a streamed batch, ignoring lines already seen (a batch may race the final result). */
export function appendEntries(id: string, batch: Entry[]): void {
  const s = sessionStore.get();
  if (s.id !== id || batch.length === 0) return;
  for (const e of batch) {
    const key = e.host ?? "";
    if ((lastSeq.get(key) ?? 0) >= e.seq) continue;
    lastSeq.set(key, e.seq);
    entries.push(e);
  }
  sessionStore.set({ ...s, entriesVersion: s.entriesVersion + 1 });
}

/** Applies a step change event: an update of a known step or a new one. */
export function applyStep(id: string, ev: { host: string; index: number; step: Step }): void {
  const s = sessionStore.get();
  if (s.id !== id) return;
  const host = ev.host ?? "";
  const list = [...(s.steps[host] ?? [])];
  // An event lost on the way (the final result fills the gap) must not
  // leave a hole that the timeline would trip over.
  while (list.length < ev.index) list.push({ name: "", status: "running", duration_ms: 0, host });
  list[ev.index] = { ...ev.step, host };
  const hosts = s.hosts.includes(host) ? s.hosts : [...s.hosts, host];
  sessionStore.set({ ...s, hosts, steps: { ...s.steps, [host]: list } });
}

/** The final result replaces everything streamed: it is the authoritative copy. */
export function finishSession(id: string, r: RunResult): void {
  const s = sessionStore.get();
  if (s.id !== id) return;
  entries = r.transcript ?? entries;
  const steps: Record<string, StepRow[]> = {};
  const hosts: string[] = [];
  for (const run of r.runs ?? []) {
    const key = (r.runs.length > 1 ? run.host : "") ?? "";
    hosts.push(key);
    steps[key] = (run.steps ?? []).map((st) => ({ ...st, host: key }));
  }
  const status: SessionStatus = r.error && (r.runs ?? []).length === 0 ? "error" : r.canceled ? "canceled" : "done";
  sessionStore.set({ ...s, status, result: r, steps, hosts, error: r.error ?? "", entriesVersion: s.entriesVersion + 1 });
}

export function failSession(id: string, message: string): void {
  const s = sessionStore.get();
  if (s.id !== id) return;
  sessionStore.set({ ...s, status: "error", error: message });
}

export function clearSession(): void {
  entries = [];
  sessionStore.set(idle);
}
