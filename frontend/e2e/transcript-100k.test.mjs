// 100,000 transcript lines streamed the way a live session delivers them:
// batches of 500 lines every 50 ms through the Wails event path
// (window.runtime.EventsEmit reaches the EventsOn listener that appendEntries
// hangs on, exactly as runTest subscribes). Measured: time until the last
// line is on screen, frames and main-thread work while streaming, a
// keystroke into a wizard field while streaming, scrolling top to bottom,
// search, JS heap and DOM size. The numbers are printed and saved as
// artifacts/transcript-100k.json; the assertions check correctness only.
// E2E_FRONTEND (set by run.sh) says which React build was measured: "dev"
// (Vite dev server) or "prod" (the production build, E2E_FRONTEND=prod).
// TRANSCRIPT_PROFILE=1 also records a CDP CPU profile of streaming and
// scrolling (artifacts/transcript-100k.cpuprofile, top self times in
// transcript-100k-profile.json); profiling slows the page, so the numbers
// of such a run are marked "profiled" and are not the ones to report.
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { ARTIFACTS, launch, openApp, screenshot } from "./lib/app.mjs";

const LINES = Number(process.env.TRANSCRIPT_LINES ?? 100000);
const FRONTEND = process.env.E2E_FRONTEND ?? "dev";
const PROFILE = process.env.TRANSCRIPT_PROFILE === "1";
const BATCH = 500;
const EVERY_MS = 50;
const LONG_AT = Math.floor(LINES * 0.9); // a 900-character EHLO reply line
const WORD = "contoso.example";
// The last client line (RCPT TO) before the end, the search target.
// The text of line i, as the page makes it (except the long line).
const textOf = (i) => (i % 3 === 0 ? `* note ${i}` : i % 2 === 0 ? `250 2.1.5 Recipient OK ${i}` : `RCPT TO:<user${i}@contoso.com>`);
const SEARCH_AT = (() => {
  let i = LINES - 1;
  while (i % 3 === 0 || i % 2 === 0) i--;
  return i;
})();

const round = (x) => Math.round(x * 10) / 10;
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { n: s.length, median: round(at(0.5)), p95: round(at(0.95)), max: round(s[s.length - 1] ?? 0) };
};

// The functions with the most self time in a CDP CPU profile, as
// "name url:line" with their share of all samples.
function topSelf(profile, n = 30) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  let total = 0;
  for (const [id, c] of counts) {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\//, "")}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + c);
    total += c;
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, c]) => ({ fn: k, self_pct: round((100 * c) / total) }));
}

// Installed in the page: a frame sampler (rAF intervals) and a long-task
// recorder, both started and stopped by the test.
function installProbe() {
  const p = {
    frames: [],
    longTasks: [],
    running: false,
    start() {
      p.frames = [];
      p.longTasks = [];
      p.running = true;
      let last = performance.now();
      const tick = (now) => {
        if (!p.running) return;
        p.frames.push(now - last);
        last = now;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame((now) => {
        last = now;
        requestAnimationFrame(tick);
      });
    },
    stop() {
      p.running = false;
      return { frames: p.frames, longTasks: p.longTasks };
    },
  };
  new PerformanceObserver((list) => {
    if (p.running) for (const e of list.getEntries()) p.longTasks.push(e.duration);
  }).observe({ type: "longtask", buffered: false });
  window.__probe = p;
}

test(`${LINES} transcript lines streamed in batches stay responsive`, async () => {
  const b = await launch();
  try {
    const page = await openApp(b.context);
    await page.waitForFunction(() => window.__smtpprobeTest !== undefined && window.runtime?.EventsEmit !== undefined);
    await page.evaluate(installProbe);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable", { timeDomain: "timeTicks" });
    const metrics = async () => {
      const { metrics: m } = await cdp.send("Performance.getMetrics");
      return Object.fromEntries(m.map((x) => [x.name, x.value]));
    };
    // Main-thread work between two metric snapshots, in ms.
    const work = (a, z) => ({
      script: (z.ScriptDuration - a.ScriptDuration) * 1000,
      layout: (z.LayoutDuration - a.LayoutDuration) * 1000,
      style: (z.RecalcStyleDuration - a.RecalcStyleDuration) * 1000,
      task: (z.TaskDuration - a.TaskDuration) * 1000,
    });
    const perFrame = (w, frames) => ({
      script_ms: round(w.script / Math.max(1, frames)),
      layout_and_style_ms: round((w.layout + w.style) / Math.max(1, frames)),
      all_tasks_ms: round(w.task / Math.max(1, frames)),
    });
    const heap = async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      const m = await metrics();
      return { js_heap_used_mb: round(m.JSHeapUsedSize / 1048576), dom_nodes: m.Nodes };
    };
    const keystroke = async () => {
      const field = page.getByTestId("field-domain");
      await field.fill("");
      const t0 = Date.now();
      await field.pressSequentially(WORD, { delay: 0 });
      const ms = (Date.now() - t0) / WORD.length;
      await field.fill("");
      return round(ms);
    };

    // Baselines on the same page before any line exists.
    const before = await heap();
    let m0 = await metrics();
    await page.evaluate(() => window.__probe.start());
    await page.waitForTimeout(2000);
    const idle = await page.evaluate(() => window.__probe.stop());
    let m1 = await metrics();
    const idleWork = work(m0, m1);
    const keystrokeIdle = await keystroke();

    if (PROFILE) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
      await cdp.send("Profiler.start");
    }

    // Stream: the page emits BATCH lines every EVERY_MS on the session's
    // entries event, while the test types into a wizard field.
    const id = await page.evaluate(() => window.__smtpprobeTest.listenSession());
    m0 = await metrics();
    await page.evaluate(() => window.__probe.start());
    const streamed = page.evaluate(
      ({ id, lines, batch, every, longAt }) =>
        new Promise((resolve) => {
          let seq = 0;
          const t0 = performance.now();
          const make = (i) => {
            if (i === longAt) return { seq: i, elapsed_ms: i * 0.2, dir: "S", text: "250-mx.contoso.example " + "X".repeat(870) + " END-OF-LONG", tls: true };
            const dir = i % 3 === 0 ? "I" : i % 2 === 0 ? "S" : "C";
            const text = dir === "C" ? `RCPT TO:<user${i}@contoso.com>` : dir === "S" ? `250 2.1.5 Recipient OK ${i}` : `* note ${i}`;
            return { seq: i, elapsed_ms: i * 0.2, dir, text, tls: i % 5 === 0 };
          };
          // Per batch: EventsEmit to the end of React's commit (the store
          // update renders in a microtask queued before ours), and apart from
          // it the JSON encoding EventsEmit also does to tell Go.
          const commit = [];
          const encode = [];
          const send = () => {
            const out = [];
            for (let k = 0; k < batch && seq < lines; k++) out.push(make(++seq));
            const e0 = performance.now();
            JSON.stringify(out);
            encode.push(performance.now() - e0);
            const c0 = performance.now();
            window.runtime.EventsEmit(`session:${id}:entries`, out);
            queueMicrotask(() => commit.push(performance.now() - c0));
            if (seq < lines) {
              setTimeout(send, every);
              return;
            }
            const sent = performance.now();
            const last = make(lines).text;
            const poll = () => {
              const rows = document.querySelectorAll('[data-testid="transcript-viewport"] [role="listitem"]');
              const shown = [...rows].some((r) => r.textContent.includes(last));
              if (shown) resolve({ stream_ms: sent - t0, last_line_shown_ms: performance.now() - t0, after_last_batch_ms: performance.now() - sent, commit, encode });
              else requestAnimationFrame(poll);
            };
            requestAnimationFrame(poll);
          };
          send();
        }),
      { id, lines: LINES, batch: BATCH, every: EVERY_MS, longAt: LONG_AT },
    );
    // Type while it streams (LINES / BATCH * EVERY_MS ≈ 10 s for 100,000).
    await page.waitForTimeout(1500);
    const keystrokeStreaming = await keystroke();
    const stream = await streamed;
    const streaming = await page.evaluate(() => window.__probe.stop());
    m1 = await metrics();
    const streamWork = work(m0, m1);
    await page.evaluate((id) => window.__smtpprobeTest.endSession(id), id);

    await page.getByText(`(${LINES} lines)`).waitFor();
    const rowsInDom = await page.getByTestId("transcript-viewport").locator('[role="listitem"]').count();
    const lastShown = await page.getByTestId("transcript-viewport").getByText(textOf(LINES), { exact: true }).isVisible();
    const after = await heap();
    await screenshot(page, "en-transcript-100k-tail");

    // Scroll top to bottom: 60 jumps across the whole height, then 300
    // frames of one page each from the top, one step per frame.
    const scrollRun = async (mode) => {
      const a = await metrics();
      await page.evaluate(async (mode) => {
        const el = document.querySelector('[data-testid="transcript-viewport"]');
        el.scrollTop = 0;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        window.__probe.start();
        const steps = mode === "jumps" ? 60 : 300;
        for (let i = 1; i <= steps; i++) {
          el.scrollTop = mode === "jumps" ? ((el.scrollHeight - el.clientHeight) * i) / steps : el.clientHeight * i;
          await new Promise((r) => requestAnimationFrame(r));
        }
        await new Promise((r) => requestAnimationFrame(r));
      }, mode);
      const got = await page.evaluate(() => window.__probe.stop());
      const z = await metrics();
      return { got, w: work(a, z) };
    };
    const jumps = await scrollRun("jumps");
    const pages = await scrollRun("pages");
    if (PROFILE) {
      const { profile } = await cdp.send("Profiler.stop");
      await mkdir(ARTIFACTS, { recursive: true });
      await writeFile(path.join(ARTIFACTS, "transcript-100k.cpuprofile"), JSON.stringify(profile));
      await writeFile(path.join(ARTIFACTS, "transcript-100k-profile.json"), JSON.stringify(topSelf(profile), null, 2));
    }

    // Search for a line near the end, typed key by key as a user does: time
    // from the first key to the hit count on screen (polled every frame).
    const search = page.getByTestId("transcript").getByPlaceholder("Search");
    const found = () =>
      page.waitForFunction(() => [...document.querySelectorAll('[data-testid="transcript"] *')].some((el) => el.childElementCount === 0 && el.textContent === "1 found"), null, {
        polling: "raf",
      });
    const s0 = Date.now();
    await search.pressSequentially(`user${SEARCH_AT}@`, { delay: 0 });
    await found();
    const searchMs = Date.now() - s0;
    const hitShown = await page.getByTestId("transcript-viewport").getByText(`RCPT TO:<user${SEARCH_AT}@contoso.com>`, { exact: true }).isVisible();

    const numbers = {
      frontend: FRONTEND,
      profiled: PROFILE,
      lines: LINES,
      batch_lines: BATCH,
      batch_every_ms: EVERY_MS,
      time_to_display: {
        stream_ms: Math.round(stream.stream_ms),
        last_line_shown_ms: Math.round(stream.last_line_shown_ms),
        after_last_batch_ms: Math.round(stream.after_last_batch_ms),
      },
      idle_baseline: { raf_interval_ms: stats(idle.frames), per_frame: perFrame(idleWork, idle.frames.length), keystroke_ms: keystrokeIdle },
      while_streaming: {
        raf_interval_ms: stats(streaming.frames),
        per_frame: perFrame(streamWork, streaming.frames.length),
        per_batch_all_tasks_ms: round(streamWork.task / (LINES / BATCH)),
        per_batch_emit_to_commit_ms: stats(stream.commit),
        per_batch_json_encode_ms: stats(stream.encode),
        long_tasks: { count: streaming.longTasks.length, ...stats(streaming.longTasks) },
        keystroke_ms: keystrokeStreaming,
      },
      scroll_jumps_60: { raf_interval_ms: stats(jumps.got.frames), per_frame: perFrame(jumps.w, jumps.got.frames.length), long_tasks: jumps.got.longTasks.length },
      scroll_pages_300: { raf_interval_ms: stats(pages.got.frames), per_frame: perFrame(pages.w, pages.got.frames.length), long_tasks: pages.got.longTasks.length },
      search_typed_ms: searchMs,
      memory: { before, after },
      rows_in_dom: rowsInDom,
    };
    console.log("transcript 100k:", JSON.stringify(numbers, null, 2));
    await mkdir(ARTIFACTS, { recursive: true });
    await writeFile(path.join(ARTIFACTS, "transcript-100k.json"), JSON.stringify(numbers, null, 2));

    assert.ok(rowsInDom > 10 && rowsInDom < 200, `only the rows in view are in the DOM (${rowsInDom})`);
    assert.ok(lastShown, "the last line is visible while following the tail");
    assert.ok(hitShown, "the search hit near the end is scrolled into view");

    // The 900-character line can be read to its end: scroll to it, then
    // sideways, and its last characters are inside the viewport.
    await search.fill("END-OF-LONG");
    await page.getByTestId("transcript").getByText("1 found").waitFor();
    const viewport = page.getByTestId("transcript-viewport");
    await viewport.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
    const tail = viewport.getByText(/END-OF-LONG$/);
    const [box, vbox] = await Promise.all([tail.boundingBox(), viewport.boundingBox()]);
    assert.ok(box && vbox, "the long line and the viewport have boxes");
    assert.ok(box.x + box.width <= vbox.x + vbox.width + 1, `the end of the long line scrolls into view (${box.x + box.width} > ${vbox.x + vbox.width})`);
    await screenshot(page, "en-transcript-100k-long-line");
    // Away from the long line (at the top) the pane is still as wide as it:
    // the sideways scroll does not change with the rows that happen to be drawn.
    const lineWidth = box.width;
    const atTop = await viewport.evaluate((el) => {
      el.scrollTop = 0;
      return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(el.scrollWidth))));
    });
    assert.ok(atTop >= lineWidth, `at the top the scroll width (${atTop}) still covers the long line (${lineWidth})`);
  } finally {
    await b.close();
  }
});
