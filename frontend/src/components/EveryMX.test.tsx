import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../wailsjs/runtime/runtime", () => ({}));

import type { HostRun, RunResult, Step } from "../api/types";
import { setLang } from "../i18n";
import { applyStep, beginSession, finishSession, sessionStore } from "../stores/session";
import { RunStep, hostTitle } from "./RunStep";

const step = (name: string, status: Step["status"]): Step => ({ id: 0, name, status, duration_ms: status === "running" ? 0 : 2, offset_ms: 0, started: "" });

const run = (host: string, ip: string): HostRun => ({
  host,
  ip,
  port: 25,
  ok: true,
  exit_code: 0,
  steps: [step("connect", "ok"), step("banner", "ok")],
  verdict: {
    verdict: "accepted",
    severity: "ok",
    class: "success",
    title: { en: "Recipients accepted", es: "Destinatarios aceptados" },
    cause: { en: "", es: "" },
    actions: [],
    accepted: [],
    rejected: [],
    exit_code: 0,
  },
  warnings: [],
  extensions: [],
});

describe("every MX live view", () => {
  it("names each host from its first step, then adds the address from the result, keeping the rows", () => {
    setLang("en");
    beginSession("all");
    // Go keys every-MX step events by host name from the host's first step
    // on, and repeats the shared MX lookup at the head of each host's list.
    applyStep("all", { host: "", index: 0, step: step("resolve", "ok") });
    expect(sessionStore.get().hosts).toEqual([""]);
    applyStep("all", { host: "mx1.contoso.test", index: 0, step: step("resolve", "ok") });
    applyStep("all", { host: "mx1.contoso.test", index: 1, step: step("connect", "running") });
    applyStep("all", { host: "mx2.contoso.test", index: 0, step: step("resolve", "ok") });
    applyStep("all", { host: "mx2.contoso.test", index: 1, step: step("connect", "ok") });
    applyStep("all", { host: "mx2.contoso.test", index: 2, step: step("banner", "running") });
    expect(sessionStore.get().hosts).toEqual(["mx1.contoso.test", "mx2.contoso.test"]);
    render(
      <FluentProvider theme={webLightTheme}>
        <RunStep />
      </FluentProvider>,
    );
    const grid = screen.getByTestId("host-grid");
    const live = within(grid).getAllByRole("row").map((r) => r.textContent ?? "");
    expect(live.some((r) => r.startsWith("mx1.contoso.test"))).toBe(true);
    expect(live.some((r) => r.startsWith("mx2.contoso.test"))).toBe(true);
    expect(live.join("|")).not.toMatch(/#\d/);
    // No nameless row for the lookup once the hosts are known.
    expect(live.filter((r) => /^(Find servers|Host)/.test(r) === false && !r.startsWith("mx"))).toEqual([]);
    expect(screen.getByRole("region", { name: "mx2.contoso.test" })).toBeInTheDocument();

    const result: RunResult = {
      id: "all",
      ok: true,
      exit_code: 0,
      canceled: false,
      json: "[]",
      transcript: [],
      runs: [run("mx1.contoso.test", "192.0.2.1"), run("mx2.contoso.test", "192.0.2.2")],
    };
    act(() => finishSession("all", result));
    // The final result uses the same keys: the rows stay, now with addresses.
    expect(sessionStore.get().hosts).toEqual(["mx1.contoso.test", "mx2.contoso.test"]);
    const done = within(screen.getByTestId("host-grid")).getAllByRole("row").map((r) => r.textContent ?? "");
    expect(done.some((r) => r.startsWith("mx1.contoso.test (192.0.2.1)"))).toBe(true);
    expect(done.some((r) => r.startsWith("mx2.contoso.test (192.0.2.2)"))).toBe(true);
  });

  it("shows a host without an address as its name alone", () => {
    expect(hostTitle("mx9.contoso.test", [{ host: "mx9.contoso.test", ip: "" }])).toBe("mx9.contoso.test");
    expect(hostTitle("192.0.2.7", [{ host: "192.0.2.7", ip: "192.0.2.7" }])).toBe("192.0.2.7");
    expect(hostTitle("mx1.contoso.test", undefined)).toBe("mx1.contoso.test");
  });
});
