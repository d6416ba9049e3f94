// A 20,000-line transcript stays responsive: loading it, scrolling through
// it, searching it and typing in a field while it is shown. The numbers are
// printed (and saved as an artifact) for the report; the assertions only
// catch a pane that draws every line. transcript-100k.test.mjs streams
// 100,000 lines in batches the way a live session does.
import assert from "node:assert/strict";
import { writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { ARTIFACTS, launch, openApp, screenshot } from "./lib/app.mjs";

const LINES = 20000;

test(`a ${LINES}-line transcript stays responsive`, async () => {
  const b = await launch();
  try {
    const page = await openApp(b.context);
    await page.waitForFunction(() => window.__smtpprobeTest !== undefined);

    // Baselines on the same machine, before any line is loaded: how long a
    // frame takes with nothing to do, and a keystroke into a wizard field.
    const idleFrame = await page.evaluate(async () => {
      const frames = [];
      let last = performance.now();
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
      }
      frames.sort((a, b) => a - b);
      return frames[15];
    });
    const typeBase0 = Date.now();
    await page.getByTestId("field-domain").pressSequentially("contoso.example", { delay: 0 });
    const keystrokeBaseline = (Date.now() - typeBase0) / "contoso.example".length;
    await page.getByTestId("field-domain").fill("");

    const load = await page.evaluate(async (n) => {
      const t0 = performance.now();
      window.__smtpprobeTest.loadTranscript(n);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t0;
    }, LINES);
    await page.getByText(`(${LINES} lines)`).waitFor();
    const drawn = await page.getByTestId("transcript-viewport").locator('[role="listitem"]').count();

    // Scroll from top to bottom in 60 steps, one per frame, timing frames.
    const scroll = await page.evaluate(async () => {
      const el = document.querySelector('[data-testid="transcript-viewport"]');
      el.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(r));
      const frames = [];
      let last = performance.now();
      for (let i = 1; i <= 60; i++) {
        el.scrollTop = (el.scrollHeight * i) / 60;
        el.dispatchEvent(new Event("scroll"));
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
      }
      frames.sort((a, b) => a - b);
      return { median: frames[30], p95: frames[57], max: frames[59] };
    });

    // Search: time from typing the query to the hit count on screen.
    const search = page.getByPlaceholder("Search").last();
    const t0 = Date.now();
    await search.fill("user19999@");
    await page.getByText("1 found").waitFor();
    const searchMs = Date.now() - t0;

    // Typing into a wizard field while the pane holds 20,000 lines.
    await page.getByRole("tab", { name: "1. Destination" }).click();
    const typeT0 = Date.now();
    await page.getByTestId("field-domain").pressSequentially("contoso.example", { delay: 0 });
    const typeMs = (Date.now() - typeT0) / "contoso.example".length;

    const numbers = {
      lines: LINES,
      rows_in_dom: drawn,
      load_and_first_paint_ms: Math.round(load),
      scroll_frame_ms: { median: +scroll.median.toFixed(1), p95: +scroll.p95.toFixed(1), max: +scroll.max.toFixed(1) },
      search_ms: searchMs,
      keystroke_ms: +typeMs.toFixed(1),
      baseline_idle_frame_ms: +idleFrame.toFixed(1),
      baseline_keystroke_ms: +keystrokeBaseline.toFixed(1),
    };
    console.log("transcript responsiveness:", JSON.stringify(numbers));
    await mkdir(ARTIFACTS, { recursive: true });
    await writeFile(path.join(ARTIFACTS, "transcript-20000.json"), JSON.stringify(numbers, null, 2));
    await screenshot(page, "en-transcript-20000");

    assert.ok(drawn < 200, `only the visible rows are in the DOM (${drawn})`);
  } finally {
    await b.close();
  }
});
