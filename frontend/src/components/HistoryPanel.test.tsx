import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

const { ListRuns, CompareRuns } = vi.hoisted(() => {
  const run = (id: number, ok: boolean) => ({
    id, started: "2026-12-0" + id + "T10:00:00Z", source: "app", profile: "Relay", domain: "contoso.test", host: "mx.contoso.test", port: 25,
    verdict: ok ? "accepted" : "recipient_unknown", ok, exit_code: ok ? 0 : 1, tls_version: "", cert_sha256: "", duration_ms: 10,
  });
  const runs = [run(2, false), run(1, true)];
  return {
    ListRuns: vi.fn(() => Promise.resolve(runs)),
    CompareRuns: vi.fn((_a: number, _b: number, lang: string) =>
      Promise.resolve({
        old: runs[1], new: runs[0],
        changes: [{ field: "step", kind: "worse", step: "rcpt", old: "", new: "", meaning: lang === "es" ? "rcpt ahora falla 550 (antes pasa 250)" : "rcpt now fails 550 (was passes 250)" }],
      }),
    ),
  };
});
vi.mock("../../wailsjs/go/desktop/History", () => ({ ListRuns, CompareRuns, DeleteRun: vi.fn(), GetRun: vi.fn(), Retention: vi.fn(), SetRetention: vi.fn(), Notice: vi.fn() }));

import { setLang } from "../i18n";
import { resetHistory } from "../stores/history";
import { HistoryPanel } from "./HistoryPanel";

describe("HistoryPanel", () => {
  beforeEach(() => resetHistory());

  for (const [lang, failed, compare, worse, meaning] of [
    ["en", "Failed (exit 1)", "Compare the two picked", "worse", "rcpt now fails 550 (was passes 250)"],
    ["es", "Falló (salida 1)", "Comparar las dos elegidas", "peor", "rcpt ahora falla 550 (antes pasa 250)"],
  ] as const) {
    it(`lists the stored runs and compares two picked ones (${lang})`, async () => {
      setLang(lang);
      render(
        <FluentProvider theme={webLightTheme}>
          <HistoryPanel />
        </FluentProvider>,
      );
      expect(await screen.findByText(failed)).toBeInTheDocument();
      expect(screen.getAllByTestId("history-row")).toHaveLength(2);
      const button = screen.getByTestId("history-compare");
      expect(button).toBeDisabled();
      for (const box of screen.getAllByRole("checkbox").slice(1)) await act(async () => fireEvent.click(box));
      expect(screen.getByText(compare)).toBeInTheDocument();
      await act(async () => fireEvent.click(button));
      expect(CompareRuns).toHaveBeenLastCalledWith(1, 2, lang);
      expect(await screen.findByText(meaning)).toBeInTheDocument();
      expect(screen.getByText(worse)).toBeInTheDocument();
    });
  }
});
