import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

const clipboard = vi.hoisted(() => vi.fn<(text: string) => Promise<boolean>>(() => Promise.resolve(true)));
vi.mock("../../wailsjs/runtime/runtime", () => ({ ClipboardSetText: clipboard, EventsOn: vi.fn() }));

import type { Entry } from "../api/types";
import { setLang } from "../i18n";
import { appendEntries, beginSession, transcriptLines } from "../stores/session";
import { OVERSCAN, ROW_HEIGHT, rowSlots, TranscriptPane, TranscriptSearch, transcriptText, visibleRange } from "./TranscriptPane";

function lines(n: number, from = 1): Entry[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      seq: i,
      elapsed_ms: i,
      dir: i % 2 ? "C" : "S",
      text: i % 2 ? `RCPT TO:<user${i}@contoso.com>` : `250 OK ${i}`,
      tls: i % 4 === 1,
    };
  });
}

// Role queries walk the accessibility tree, which is slow in jsdom: count rows by attribute.
const rowCount = () => document.querySelectorAll('[role="listitem"]').length;

const renderPane = () =>
  render(
    <FluentProvider theme={webLightTheme}>
      <TranscriptPane />
    </FluentProvider>,
  );

/** jsdom has no layout: give the viewport a scroll offset that the test can move. */
function fakeScroll(): { el: HTMLElement; scrollTo(top: number): void } {
  const el = screen.getByTestId("transcript-viewport");
  let top = 0;
  Object.defineProperty(el, "scrollTop", {
    configurable: true,
    get: () => top,
    set: (v: number) => {
      top = Math.max(0, Math.min(v, transcriptLines().length * ROW_HEIGHT - 400));
    },
  });
  return {
    el,
    scrollTo(v: number) {
      el.scrollTop = v;
      fireEvent.scroll(el);
    },
  };
}

describe("visibleRange", () => {
  it.each([
    { name: "top", top: 0, height: 400, count: 100000, want: [0, 20 + OVERSCAN] },
    { name: "middle", top: 1000 * ROW_HEIGHT, height: 400, count: 100000, want: [1000 - OVERSCAN, 1020 + OVERSCAN] },
    { name: "bottom", top: 99980 * ROW_HEIGHT, height: 400, count: 100000, want: [99980 - OVERSCAN, 100000] },
    { name: "fewer lines than the view", top: 0, height: 400, count: 5, want: [0, 5] },
    { name: "empty", top: 0, height: 400, count: 0, want: [0, 0] },
  ])("$name", ({ top, height, count, want }) => {
    expect(visibleRange(top, height, count)).toEqual(want);
  });
});

describe("rowSlots", () => {
  it("has room for every row of the window", () => {
    expect(rowSlots(0)).toBe(128);
    expect(rowSlots(85)).toBe(128);
    expect(rowSlots(128)).toBe(128);
    expect(rowSlots(129)).toBe(256);
    expect(rowSlots(700)).toBe(1024);
  });
});

describe("TranscriptSearch", () => {
  it("scans only new lines, resets on a new query or a new array", () => {
    const search = new TranscriptSearch();
    const all = lines(10);
    const growing = all.slice(0, 4);
    expect(search.update(growing, 1, "user")).toEqual([0, 2]);
    growing.push(...all.slice(4));
    expect(search.update(growing, 1, "user")).toEqual([0, 2, 4, 6, 8]);
    expect(search.has(6)).toBe(true);
    expect(search.has(7)).toBe(false);
    expect(search.update(growing, 1, "250 OK 1")).toEqual([9]); // "250 OK 10"
    expect(search.update(growing, 1, "USER3@")).toEqual([2]); // case-insensitive
    expect(search.update(lines(2), 2, "USER3@")).toEqual([]); // replaced array
    expect(search.update(growing, 3, "  ")).toEqual([]);
  });
});

describe("TranscriptPane", () => {
  beforeEach(() => {
    setLang("en");
    beginSession("t");
    clipboard.mockClear();
  });

  it("draws only the rows in view, even for 100,000 lines", () => {
    renderPane();
    act(() => appendEntries("t", lines(100000)));
    expect(screen.getByText("(100000 lines)")).toBeInTheDocument();
    expect(rowCount()).toBeGreaterThan(10);
    expect(rowCount()).toBeLessThan(200);
  }, 30000);

  it("takes 200 streamed batches of 500 lines and follows the tail", () => {
    renderPane();
    for (let b = 0; b < 200; b++) act(() => appendEntries("t", lines(500, b * 500 + 1)));
    expect(transcriptLines()).toHaveLength(100000);
    expect(screen.getByText("(100000 lines)")).toBeInTheDocument();
    expect(screen.getByText("250 OK 100000")).toBeInTheDocument();
    expect(screen.queryByText("RCPT TO:<user1@contoso.com>")).not.toBeInTheDocument();
    expect(rowCount()).toBeLessThan(200);
  }, 30000);

  it("colours by direction and marks TLS lines with a lock", () => {
    renderPane();
    act(() => appendEntries("t", lines(4)));
    const rows = screen.getAllByRole("listitem");
    expect(rows[0]).toHaveAttribute("data-dir", "C");
    expect(rows[1]).toHaveAttribute("data-dir", "S");
    expect(rows[0]?.className).not.toBe(rows[1]?.className);
    expect(screen.getAllByLabelText("Inside TLS")).toHaveLength(1);
    expect(screen.getAllByLabelText("Sent by SMTP Probe")).toHaveLength(2);
    expect(screen.getByText("3 ms")).toBeInTheDocument();
  });

  it("stops following when scrolled up and goes back to the tail when asked", () => {
    renderPane();
    const v = fakeScroll();
    act(() => appendEntries("t", lines(1000)));
    expect(screen.getByText("250 OK 1000")).toBeInTheDocument();
    const follow = screen.getByRole("switch", { name: "Follow" });
    expect(follow).toBeChecked();
    act(() => v.scrollTo(0));
    expect(follow).not.toBeChecked();
    act(() => appendEntries("t", lines(100, 1001)));
    expect(screen.getByText("RCPT TO:<user1@contoso.com>")).toBeInTheDocument();
    expect(screen.queryByText("250 OK 1100")).not.toBeInTheDocument();
    act(() => follow.click());
    expect(follow).toBeChecked();
    expect(screen.getByText("250 OK 1100")).toBeInTheDocument();
  });

  it("searches after a pause in typing, jumps to the hit and counts hits that stream in", async () => {
    renderPane();
    fakeScroll();
    act(() => appendEntries("t", lines(5000)));
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "user4999@" } });
    // The search waits SEARCH_DELAY_MS; on a loaded machine the scan and the
    // render after it can take longer than findBy's default second.
    expect(await screen.findByText("1 found", undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText("RCPT TO:<user4999@contoso.com>")).toBeInTheDocument();
    expect(screen.getByRole("switch", { name: "Follow" })).not.toBeChecked();

    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "fabrikam" } });
    expect(await screen.findByText("0 found", undefined, { timeout: 5000 })).toBeInTheDocument();
    act(() => appendEntries("t", [{ seq: 5001, elapsed_ms: 5001, dir: "C", text: "RCPT TO:<user1@FABRIKAM.com>", tls: false }]));
    expect(screen.getByText("1 found")).toBeInTheDocument();
  });

  it("sizes the scroll area to the longest line so it can be read sideways", () => {
    renderPane();
    const long = "250-" + "x".repeat(896);
    act(() => appendEntries("t", [...lines(3), { seq: 4, elapsed_ms: 4, dir: "S", text: long, tls: false }]));
    const spacer = screen.getAllByRole("listitem")[0]?.parentElement?.parentElement;
    expect(spacer?.style.width).toBe("calc(900ch + 140px)");
    // The whole line is in the row, not cut or elided.
    expect(screen.getByText(long)).toBeInTheDocument();
  });

  it("shows and copies masked lines masked", async () => {
    renderPane();
    act(() =>
      appendEntries("t", [
        { seq: 1, elapsed_ms: 1, dir: "C", text: "AUTH PLAIN ****", tls: true },
        { seq: 2, elapsed_ms: 2, dir: "S", text: "235 2.7.0 Authentication successful", tls: true },
      ]),
    );
    expect(screen.getByText("AUTH PLAIN ****")).toBeInTheDocument();
    await act(async () => screen.getByRole("button", { name: "Copy transcript" }).click());
    expect(clipboard).toHaveBeenCalledWith("     1 ms C: [TLS] AUTH PLAIN ****\n     2 ms S: [TLS] 235 2.7.0 Authentication successful");
  });

  it("copies as telnet-style text", () => {
    expect(transcriptText(lines(2))).toBe("     1 ms C: [TLS] RCPT TO:<user1@contoso.com>\n     2 ms S: 250 OK 2");
  });
});
