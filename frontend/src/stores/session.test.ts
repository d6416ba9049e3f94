import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Entry, RunResult, Step } from "../api/types";
import { appendEntries, applyStep, beginSession, clearSession, finishSession, sessionStore, transcriptLines, transcriptStore } from "./session";

const entry = (seq: number, text = `line ${seq}`): Entry => ({ seq, elapsed_ms: seq, dir: "S", text, tls: false });
const step = (name: string, status: Step["status"]): Step => ({ id: 0, name, status, duration_ms: 1, offset_ms: 0, started: "" });

describe("session store", () => {
  beforeEach(() => beginSession("s1"));

  it("appends batches and drops lines already seen", () => {
    appendEntries("s1", [entry(1), entry(2)]);
    appendEntries("s1", [entry(2), entry(3)]);
    expect(transcriptLines().map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("appends 200 batches of 500 in order without notifying the session's watchers", () => {
    const sessionCalls = vi.fn();
    const offSession = sessionStore.subscribe(sessionCalls);
    const before = transcriptStore.get();
    for (let b = 0; b < 200; b++) {
      appendEntries(
        "s1",
        Array.from({ length: 500 }, (_, k) => entry(b * 500 + k + 1, b === 150 && k === 7 ? "x".repeat(900) : undefined)),
      );
    }
    offSession();
    const lines = transcriptLines();
    expect(lines).toHaveLength(100000);
    expect(lines.every((e, i) => e.seq === i + 1)).toBe(true);
    expect(sessionCalls).not.toHaveBeenCalled();
    const after = transcriptStore.get();
    expect(after).toEqual({ version: before.version + 200, generation: before.generation, count: 100000, longest: 900 });
  });

  it("keeps one sequence per host in every-MX runs and skips empty or repeated batches", () => {
    appendEntries("s1", [{ ...entry(1), host: "mx1" }, { ...entry(1), host: "mx2" }, { ...entry(2), host: "mx1" }]);
    const v = transcriptStore.get().version;
    appendEntries("s1", [{ ...entry(2), host: "mx1" }]);
    appendEntries("s1", []);
    expect(transcriptStore.get().version).toBe(v);
    expect(transcriptLines().map((e) => `${e.host}/${e.seq}`)).toEqual(["mx1/1", "mx2/1", "mx1/2"]);
  });

  it("starts over with a new generation for a new session, a final result or a clear", () => {
    appendEntries("s1", [entry(1, "y".repeat(50))]);
    const g = transcriptStore.get().generation;
    beginSession("s2");
    expect(transcriptStore.get()).toMatchObject({ generation: g + 1, count: 0, longest: 0 });
    appendEntries("s2", [entry(1)]);
    clearSession();
    expect(transcriptLines()).toHaveLength(0);
    expect(transcriptStore.get()).toMatchObject({ generation: g + 2, count: 0 });
  });

  it("ignores events of another session", () => {
    appendEntries("old", [entry(1)]);
    applyStep("old", { host: "", index: 0, step: step("connect", "ok") });
    expect(transcriptLines()).toHaveLength(0);
    expect(sessionStore.get().steps).toEqual({});
  });

  it("updates a step in place and survives a lost event", () => {
    applyStep("s1", { host: "", index: 0, step: step("connect", "running") });
    applyStep("s1", { host: "", index: 0, step: step("connect", "ok") });
    applyStep("s1", { host: "", index: 2, step: step("ehlo", "running") });
    const rows = sessionStore.get().steps[""] ?? [];
    expect(rows).toHaveLength(3);
    expect(rows[0]?.status).toBe("ok");
    expect(rows[1]?.name).toBe(""); // the gap, filled by the final result
    expect(rows[2]?.name).toBe("ehlo");
  });

  it("drops the shared MX-lookup row once every-MX hosts are named", () => {
    applyStep("s1", { host: "", index: 0, step: step("resolve", "running") });
    applyStep("s1", { host: "", index: 0, step: step("resolve", "ok") });
    expect(sessionStore.get().hosts).toEqual([""]);
    applyStep("s1", { host: "mx1.contoso.test", index: 0, step: step("resolve", "ok") });
    applyStep("s1", { host: "mx1.contoso.test", index: 1, step: step("connect", "running") });
    applyStep("s1", { host: "mx2.contoso.test", index: 0, step: step("resolve", "ok") });
    const s = sessionStore.get();
    expect(s.hosts).toEqual(["mx1.contoso.test", "mx2.contoso.test"]);
    expect(Object.keys(s.steps).sort()).toEqual(["mx1.contoso.test", "mx2.contoso.test"]);
    expect(s.steps["mx1.contoso.test"]?.map((r) => r.name)).toEqual(["resolve", "connect"]);
  });

  it("lets the final result replace whatever streamed", () => {
    appendEntries("s1", [entry(1, "partial")]);
    const r: RunResult = {
      id: "s1",
      ok: true,
      exit_code: 0,
      canceled: false,
      json: "{}",
      transcript: [entry(1, "220 ready"), entry(2, "221 bye")],
      runs: [
        {
          host: "mx1",
          ip: "192.0.2.1",
          port: 25,
          ok: true,
          exit_code: 0,
          steps: [step("connect", "ok"), step("quit", "ok")],
          verdict: { verdict: "accepted", severity: "ok", class: "success", title: { en: "Accepted", es: "Aceptado" }, cause: { en: "", es: "" }, actions: [], accepted: [], rejected: [], exit_code: 0 },
          warnings: [],
          extensions: [],
        },
      ],
    };
    finishSession("s1", r);
    expect(transcriptLines().map((e) => e.text)).toEqual(["220 ready", "221 bye"]);
    expect(transcriptStore.get()).toMatchObject({ count: 2, longest: 9 });
    expect(sessionStore.get().status).toBe("done");
    expect(sessionStore.get().steps[""]?.map((s) => s.name)).toEqual(["connect", "quit"]);
    finishSession("s1", { ...r, canceled: true });
    expect(sessionStore.get().status).toBe("canceled");
  });
});
