// The History tab: stored runs (the app's and the command line's), the
// filter, the two runs picked for Compare and their comparison.
import { backend, errorText, type HistoryComparison, type HistoryFilter, type HistoryRunSummary } from "../api/backend";
import { createStore } from "./createStore";

export interface HistoryState {
  filter: Partial<HistoryFilter>;
  runs: HistoryRunSummary[];
  /** Ids picked for Compare, oldest pick first; at most two. */
  selected: number[];
  comparison: HistoryComparison | null;
  /** The Result JSON of the run opened, as it was stored. */
  opened: { id: number; json: string } | null;
  error: string;
  loading: boolean;
}

/** Page size: the list asks for more as it scrolls. */
export const historyPage = 100;

const initial: HistoryState = { filter: {}, runs: [], selected: [], comparison: null, opened: null, error: "", loading: false };
export const historyStore = createStore<HistoryState>(initial);

/** Loads the first page for filter (or the current one). */
export async function loadRuns(filter?: Partial<HistoryFilter>): Promise<void> {
  const f = filter ?? historyStore.get().filter;
  historyStore.set((s) => ({ ...s, filter: f, loading: true, error: "" }));
  try {
    const runs = await backend.listRuns({ ...f, limit: historyPage });
    historyStore.set((s) => ({ ...s, runs, loading: false, selected: s.selected.filter((id) => runs.some((r) => r.id === id)) }));
  } catch (e) {
    historyStore.set((s) => ({ ...s, runs: [], loading: false, error: errorText(e) }));
  }
}

/** Appends the next page (older runs) to the list. */
export async function loadMore(): Promise<void> {
  const { runs, filter } = historyStore.get();
  const last = runs.at(-1);
  if (!last) return;
  try {
    const more = await backend.listRuns({ ...filter, limit: historyPage, before: last.id });
    historyStore.set((s) => ({ ...s, runs: [...s.runs, ...more] }));
  } catch (e) {
    historyStore.set((s) => ({ ...s, error: errorText(e) }));
  }
}

/** Picks or unpicks a run for Compare; a third pick drops the oldest. */
export function toggleSelected(id: number): void {
  historyStore.set((s) => {
    const selected = s.selected.includes(id) ? s.selected.filter((x) => x !== id) : [...s.selected, id].slice(-2);
    return { ...s, selected, comparison: null };
  });
}

/** Compares the two picked runs, the older one first. */
export async function compareSelected(): Promise<void> {
  const [older, newer] = [...historyStore.get().selected].sort((a, b) => a - b);
  if (older === undefined || newer === undefined) return;
  try {
    const comparison = await backend.compareRuns(older, newer);
    historyStore.set((s) => ({ ...s, comparison, error: "" }));
  } catch (e) {
    historyStore.set((s) => ({ ...s, error: errorText(e) }));
  }
}

export async function openRun(id: number): Promise<void> {
  try {
    const r = await backend.getRun(id);
    historyStore.set((s) => ({ ...s, opened: { id, json: r.json }, error: "" }));
  } catch (e) {
    historyStore.set((s) => ({ ...s, error: errorText(e) }));
  }
}

export async function deleteRun(id: number): Promise<void> {
  try {
    await backend.deleteRun(id);
    historyStore.set((s) => ({
      ...s,
      runs: s.runs.filter((r) => r.id !== id),
      selected: s.selected.filter((x) => x !== id),
      opened: s.opened?.id === id ? null : s.opened,
      comparison: null,
    }));
  } catch (e) {
    historyStore.set((s) => ({ ...s, error: errorText(e) }));
  }
}

export function resetHistory(): void {
  historyStore.set(initial);
}
