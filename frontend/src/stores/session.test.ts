import { beforeEach, describe, expect, it } from "vitest";
import type { Entry, RunResult, Step } from "../api/types";
import { appendEntries, applyStep, beginSession, finishSession, sessionStore, transcriptLines } from "./session";

const entry = (seq: number, text = `line ${seq}`): Entry => ({ seq, elapsed_ms: seq, dir: "S", text, tls: false });
const step = (name: string, status: Step["status"]): Step => ({ name, status, duration_ms: 1 });

describe("session store", () => {
  beforeEach(() => beginSession("s1"));

  it("appends batches and drops lines already seen", () => {
    appendEntries("s1", [entry(1), entry(2)]);
    appendEntries("s1", [entry(2), entry(3)]);
    expect(transcriptLines().map((e) => e.seq)).toEqual([1, 2, 3]);
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
          verdict: { verdict: "accepted", severity: "ok", title: { en: "Accepted", es: "Aceptado" }, cause: { en: "", es: "" }, actions: [], accepted: [], rejected: [], exit_code: 0 },
          warnings: [],
          extensions: [],
        },
      ],
    };
    finishSession("s1", r);
    expect(transcriptLines().map((e) => e.text)).toEqual(["220 ready", "221 bye"]);
    expect(sessionStore.get().status).toBe("done");
    expect(sessionStore.get().steps[""]?.map((s) => s.name)).toEqual(["connect", "quit"]);
    finishSession("s1", { ...r, canceled: true });
    expect(sessionStore.get().status).toBe("canceled");
  });
});
