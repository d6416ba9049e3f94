import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("../../wailsjs/go/main/App", () => ({}));
vi.mock("../../wailsjs/runtime/runtime", () => ({ ClipboardSetText: vi.fn(() => Promise.resolve(true)), EventsOn: vi.fn() }));

import type { Entry } from "../api/types";
import { setLang } from "../i18n";
import { appendEntries, beginSession } from "../stores/session";
import { TranscriptPane, transcriptText } from "./TranscriptPane";

function lines(n: number): Entry[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    elapsed_ms: i,
    dir: i % 2 ? "S" : "C",
    text: i % 2 ? `250 OK ${i + 1}` : `RCPT TO:<user${i + 1}@contoso.com>`,
    tls: i % 4 === 0,
  }));
}

const renderPane = () =>
  render(
    <FluentProvider theme={webLightTheme}>
      <TranscriptPane />
    </FluentProvider>,
  );

describe("TranscriptPane", () => {
  beforeEach(() => {
    setLang("en");
    beginSession("t");
  });

  it("draws only the rows in view, even for 100,000 lines", () => {
    renderPane();
    act(() => appendEntries("t", lines(100000)));
    expect(screen.getByText("(100000 lines)")).toBeInTheDocument();
    const rows = screen.getAllByRole("listitem");
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(200);
  });

  it("colours by direction and marks TLS lines with a lock", () => {
    renderPane();
    act(() => appendEntries("t", lines(4)));
    const rows = screen.getAllByRole("listitem");
    expect(rows[0]).toHaveAttribute("data-dir", "C");
    expect(rows[1]).toHaveAttribute("data-dir", "S");
    expect(screen.getAllByLabelText("Inside TLS")).toHaveLength(1);
  });

  it("searches and jumps to the hit", () => {
    renderPane();
    act(() => appendEntries("t", lines(5000)));
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "user4999@" } });
    expect(screen.getByText("1 found")).toBeInTheDocument();
    expect(screen.getByText("RCPT TO:<user4999@contoso.com>")).toBeInTheDocument();
  });

  it("copies as telnet-style text", () => {
    expect(transcriptText(lines(2))).toBe("     0 ms C: [TLS] RCPT TO:<user1@contoso.com>\n     1 ms S: 250 OK 2");
  });
});
