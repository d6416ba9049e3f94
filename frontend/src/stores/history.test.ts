import { beforeEach, describe, expect, it, vi } from "vitest";

const { ListRuns, CompareRuns, DeleteRun, GetRun } = vi.hoisted(() => {
  const runs = [
  { id: 3, started: "2026-12-03T10:00:00Z", source: "app", profile: "", domain: "contoso.test", host: "mx", port: 25, verdict: "recipient_unknown", ok: false, exit_code: 1, tls_version: "", cert_sha256: "", duration_ms: 12 },
  { id: 2, started: "2026-12-02T10:00:00Z", source: "cli", profile: "Relay", domain: "contoso.test", host: "mx", port: 25, verdict: "accepted", ok: true, exit_code: 0, tls_version: "", cert_sha256: "", duration_ms: 10 },
  { id: 1, started: "2026-12-01T10:00:00Z", source: "watch", profile: "Relay", domain: "contoso.test", host: "mx", port: 25, verdict: "accepted", ok: true, exit_code: 0, tls_version: "", cert_sha256: "", duration_ms: 9 },
];
  const ListRuns = vi.fn((f: { before?: number }) => Promise.resolve(f.before ? [] : runs));
  const CompareRuns = vi.fn((a: number, b: number) =>
  Promise.resolve({ old: runs.find((r) => r.id === a), new: runs.find((r) => r.id === b), changes: [{ field: "step", kind: "worse", step: "rcpt", old: "ok 250", new: "failed 550", meaning: "rcpt now fails 550 (was passes 250)" }] }),
);
  const DeleteRun = vi.fn(() => Promise.resolve());
  const GetRun = vi.fn((id: number) => Promise.resolve({ run: runs[0], json: `{"id":${id}}` }));
  return { runs, ListRuns, CompareRuns, DeleteRun, GetRun };
});
vi.mock("../../wailsjs/go/desktop/History", () => ({ ListRuns, CompareRuns, DeleteRun, GetRun, Retention: vi.fn(), SetRetention: vi.fn(), Notice: vi.fn() }));

import { compareSelected, deleteRun, historyStore, loadRuns, openRun, resetHistory, toggleSelected } from "./history";

describe("history store", () => {
  beforeEach(() => {
    resetHistory();
    vi.clearAllMocks();
  });

  it("loads the runs with the filter and a page limit", async () => {
    await loadRuns({ failed: true, search: "contoso" });
    expect(ListRuns).toHaveBeenCalledWith(expect.objectContaining({ failed: true, search: "contoso", limit: 100 }), expect.any(String));
    expect(historyStore.get().runs.map((r) => r.id)).toEqual([3, 2, 1]);
  });

  it("keeps two picks and compares the older run first", async () => {
    await loadRuns({});
    toggleSelected(3);
    toggleSelected(1);
    toggleSelected(2); // drops the oldest pick (3)
    expect(historyStore.get().selected).toEqual([1, 2]);
    toggleSelected(3);
    await compareSelected();
    expect(CompareRuns).toHaveBeenCalledWith(2, 3, expect.any(String));
    expect(historyStore.get().comparison?.changes[0]?.kind).toBe("worse");
  });

  it("deletes a run from the list, its pick and the comparison", async () => {
    await loadRuns({});
    toggleSelected(2);
    toggleSelected(3);
    await compareSelected();
    await deleteRun(3);
    const s = historyStore.get();
    expect(s.runs.map((r) => r.id)).toEqual([2, 1]);
    expect(s.selected).toEqual([2]);
    expect(s.comparison).toBeNull();
  });

  it("opens a stored run as it was and shows a backend error", async () => {
    await openRun(2);
    expect(historyStore.get().opened).toEqual({ id: 2, json: '{"id":2}' });
    ListRuns.mockImplementationOnce(() => Promise.reject(new Error("the run history cannot be saved")));
    await loadRuns({});
    expect(historyStore.get().error).toBe("the run history cannot be saved");
  });
});
