import { Button, Input, Switch, Text, Tooltip, makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { CopyRegular, SearchRegular } from "@fluentui/react-icons";
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { backend } from "../api/backend";
import { asDir, type Dir, type Entry } from "../api/types";
import { useT } from "../i18n";
import { useStore } from "../stores/createStore";
import { sessionStore, transcriptLines, transcriptStore } from "../stores/session";

/** Height of one transcript row, in pixels; rows never wrap, so it is fixed. */
export const ROW_HEIGHT = 20;
/** Rows drawn above and below the visible ones, so fast scrolling shows no gaps. */
export const OVERSCAN = 20;
/** Pixels before a line's text: padding, elapsed time, lock, direction and gaps. */
const PREFIX_PX = 140;
/** How long typing in the search box pauses before the transcript is scanned. */
export const SEARCH_DELAY_MS = 150;
const MONO = "Consolas, 'Cascadia Mono', 'DejaVu Sans Mono', monospace";

const useStyles = makeStyles({
  pane: {
    display: "flex",
    flexDirection: "column",
    minHeight: 0,
    height: "100%",
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  toolbar: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
    padding: tokens.spacingVerticalS,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    flexWrap: "wrap",
  },
  title: { fontWeight: tokens.fontWeightSemibold, flexGrow: 1 },
  search: { width: "160px" },
  // The font is set here so the spacer's `ch` width is the monospace one.
  viewport: {
    flexGrow: 1,
    overflow: "auto",
    position: "relative",
    minHeight: "120px",
    outline: "none",
    // Its size comes from the pane, never from the rows: that makes it a
    // relayout boundary, so a batch or a scroll lays out the rows only.
    contain: "strict",
    fontFamily: MONO,
    fontSize: "12px",
    ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: "-2px" },
  },
  // As tall as every line and as wide as the longest: the scrollbars cover
  // the whole transcript although only the rows in view exist.
  spacer: { position: "relative", minWidth: "100%" },
  window: { position: "absolute", top: 0, left: 0, right: 0, willChange: "transform" },
  row: {
    height: `${ROW_HEIGHT}px`,
    lineHeight: `${ROW_HEIGHT}px`,
    whiteSpace: "pre",
    paddingLeft: tokens.spacingHorizontalS,
    paddingRight: tokens.spacingHorizontalS,
    display: "flex",
    gap: tokens.spacingHorizontalS,
    contain: "layout style",
  },
  time: { color: tokens.colorNeutralForeground3, width: "64px", textAlign: "right", flexShrink: 0 },
  dir: { width: "14px", flexShrink: 0, fontWeight: tokens.fontWeightSemibold },
  lock: { width: "12px", flexShrink: 0, color: tokens.colorPaletteGreenForeground1, display: "flex", alignItems: "center" },
  text: { flexShrink: 0 },
  C: { color: tokens.colorBrandForeground1 },
  S: { color: tokens.colorNeutralForeground1 },
  I: { color: tokens.colorNeutralForeground3, fontStyle: "italic" },
  hit: { backgroundColor: tokens.colorPaletteYellowBackground2 },
  currentHit: { backgroundColor: tokens.colorPaletteYellowBackground3 },
  empty: { padding: tokens.spacingHorizontalL, color: tokens.colorNeutralForeground3, fontFamily: tokens.fontFamilyBase },
});

function formatElapsed(ms: number): string {
  return ms < 10000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The transcript as text, one line per entry, the way telnet users paste it. */
export function transcriptText(lines: readonly Entry[]): string {
  return lines
    .map((e) => `${formatElapsed(e.elapsed_ms).padStart(9)} ${e.dir === "I" ? "*" : e.dir + ":"} ${e.tls ? "[TLS] " : ""}${e.text}`)
    .join("\n");
}

/** The rows to draw, [first, last), for a scroll offset and viewport height in pixels. */
export function visibleRange(scrollTop: number, height: number, count: number): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  return [first, Math.max(first, last)];
}

/**
 * How many row keys to cycle through for a window of n rows. A row is keyed
 * by its line index modulo this number: a line that stays in view keeps its
 * element, and a line that comes into view reuses the element of one that
 * left instead of React creating and removing DOM nodes (a batch that moves
 * the tail by 500 lines would otherwise replace every row).
 */
export function rowSlots(n: number): number {
  let slots = 128;
  while (slots < n) slots *= 2;
  return slots;
}

/**
 * Case-insensitive search over a transcript that grows while it streams: a
 * new batch scans only the new lines, and the hits (ascending line indexes)
 * are kept until the query or the line array changes.
 */
export class TranscriptSearch {
  private generation = -1;
  private query = "";
  private scanned = 0;
  hits: number[] = [];

  update(lines: readonly Entry[], generation: number, query: string): readonly number[] {
    const q = query.trim() === "" ? "" : query.toLowerCase();
    if (generation !== this.generation || q !== this.query || lines.length < this.scanned) {
      this.generation = generation;
      this.query = q;
      this.scanned = 0;
      this.hits = [];
    }
    if (q === "") return this.hits;
    for (let i = this.scanned; i < lines.length; i++) {
      if (lines[i]?.text.toLowerCase().includes(q)) this.hits.push(i);
    }
    this.scanned = lines.length;
    return this.hits;
  }

  /** Whether line i is a hit (binary search: hits are ascending). */
  has(i: number): boolean {
    let lo = 0;
    let hi = this.hits.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.hits[mid] ?? -1;
      if (v === i) return true;
      if (v < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

// One static lock drawing shared by every TLS row: an icon component per row
// would run its hooks for each of the ~75 rows on every scroll frame.
const LOCK = (
  <svg width="10" height="12" viewBox="0 0 10 12" aria-hidden="true" fill="currentColor">
    <path d="M2.5 5V3.5a2.5 2.5 0 0 1 5 0V5H9a1 1 0 0 1 1 1v5a1 1 0 0 1-1 1H1a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1h1.5Zm1 0h3V3.5a1.5 1.5 0 0 0-3 0V5Z" />
  </svg>
);

interface RowLabels {
  tls: string;
  C: string;
  S: string;
  I: string;
}

interface RowClasses {
  row: Record<Dir, string>;
  hit: Record<Dir, string>;
  current: Record<Dir, string>;
  time: string;
  lock: string;
  dir: string;
  text: string;
}

interface RowProps {
  e: Entry;
  mark: "" | "hit" | "current";
  cls: RowClasses;
  labels: RowLabels;
}

/** One line; memoised, so rows that stay in view are not rendered again. */
const Row = memo(function Row({ e, mark, cls, labels }: RowProps) {
  const dir = asDir(e.dir);
  const className = mark === "" ? cls.row[dir] : cls[mark][dir];
  return (
    <div role="listitem" data-dir={e.dir} className={className}>
      <span className={cls.time}>{formatElapsed(e.elapsed_ms)}</span>
      <span className={cls.lock} role={e.tls ? "img" : undefined} aria-label={e.tls ? labels.tls : undefined}>
        {e.tls ? LOCK : null}
      </span>
      <span className={cls.dir} aria-label={labels[dir]}>
        {e.dir === "I" ? "*" : e.dir}
      </span>
      <span className={cls.text}>{e.text}</span>
    </div>
  );
});

/** Props of the scrolling list; it and the counters alone re-render on a batch or a scroll. */
interface ViewportProps {
  follow: boolean;
  setFollow: (f: boolean) => void;
  search: TranscriptSearch;
  query: string;
  hitIndex: number;
  status: string;
}

const Viewport = memo(function Viewport({ follow, setFollow, search, query, hitIndex, status }: ViewportProps) {
  const t = useT();
  const s = useStyles();
  const { version, generation, count, longest } = useStore(transcriptStore);
  const lines = transcriptLines();
  const hits = search.update(lines, generation, query);
  const current = hits.length > 0 ? (hits[Math.min(hitIndex, hits.length - 1)] ?? -1) : -1;
  const viewport = useRef<HTMLDivElement>(null);
  // The scroll offset in whole rows: a scroll within a row renders nothing.
  const [topRow, setTopRow] = useState(0);
  const [height, setHeight] = useState(400);
  // Where following the tail last put the scroll offset, so its own scroll
  // event is not mistaken for the user scrolling up.
  const autoTop = useRef(0);

  const cls = useMemo<RowClasses>(() => {
    const by = (extra?: string) => ({
      C: mergeClasses(s.row, s.C, extra),
      S: mergeClasses(s.row, s.S, extra),
      I: mergeClasses(s.row, s.I, extra),
    });
    return { row: by(), hit: by(s.hit), current: by(s.currentHit), time: s.time, lock: s.lock, dir: s.dir, text: s.text };
  }, [s]);
  const labels = useMemo<RowLabels>(
    () => ({ tls: t("transcript.tls"), C: t("transcript.client"), S: t("transcript.server"), I: t("transcript.info") }),
    [t],
  );

  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const ro = typeof ResizeObserver !== "undefined" ? new ResizeObserver(() => setHeight(el.clientHeight)) : null;
    ro?.observe(el);
    setHeight(el.clientHeight || 400);
    return () => ro?.disconnect();
  }, []);

  // Following the tail keeps the newest line in view as batches arrive; the
  // browser clamps the offset to the bottom.
  useLayoutEffect(() => {
    const el = viewport.current;
    if (!follow || !el) return;
    el.scrollTop = count * ROW_HEIGHT;
    // Not read back from the element: that would be a second forced layout.
    autoTop.current = Math.max(0, count * ROW_HEIGHT - height);
  }, [version, follow, count, height]);

  // A search hit scrolls into the middle of the view.
  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el || current < 0) return;
    el.scrollTop = Math.max(0, current * ROW_HEIGHT - el.clientHeight / 2);
    setTopRow(Math.floor(el.scrollTop / ROW_HEIGHT));
  }, [current]);

  const onScroll = () => {
    const el = viewport.current;
    if (!el) return;
    const top = el.scrollTop;
    setTopRow(Math.floor(top / ROW_HEIGHT));
    if (follow && top < autoTop.current - ROW_HEIGHT) setFollow(false);
  };

  // While following, draw the tail straight away rather than the old offset.
  const scrollTop = follow ? Math.max(0, count * ROW_HEIGHT - height) : topRow * ROW_HEIGHT;
  const [first, last] = visibleRange(scrollTop, height, count);
  const slots = rowSlots(last - first);
  const rows = [];
  for (let i = first; i < last; i++) {
    const e = lines[i];
    if (!e) continue;
    const mark = i === current ? "current" : hits.length > 0 && search.has(i) ? "hit" : "";
    rows.push(<Row key={i % slots} e={e} mark={mark} cls={cls} labels={labels} />);
  }

  return (
    <div
      ref={viewport}
      className={s.viewport}
      onScroll={onScroll}
      tabIndex={0}
      role="list"
      aria-label={t("transcript.lines")}
      data-testid="transcript-viewport"
    >
      {count === 0 ? (
        <div className={s.empty}>{status === "running" ? t("transcript.waiting") : t("transcript.empty")}</div>
      ) : (
        <div className={s.spacer} style={{ height: count * ROW_HEIGHT, width: `calc(${longest}ch + ${PREFIX_PX}px)` }}>
          <div className={s.window} style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>
            {rows}
          </div>
        </div>
      )}
    </div>
  );
});

/** "(n lines)": re-rendered on each batch without the toolbar around it. */
function LineCount() {
  const t = useT();
  const { count } = useStore(transcriptStore);
  return <Text size={200}>({t("transcript.count", { n: count })})</Text>;
}

/** "n found" for the current query, kept up to date while lines stream in. */
function HitCount({ search, query }: { search: TranscriptSearch; query: string }) {
  const t = useT();
  const { generation } = useStore(transcriptStore);
  const hits = search.update(transcriptLines(), generation, query);
  return (
    <Text size={200} aria-live="polite">
      {t("transcript.hits", { n: hits.length })}
    </Text>
  );
}

/**
 * The live transcript: client, server and info lines with elapsed times and a
 * lock on lines that travelled inside TLS. Only the rows in view are drawn
 * (a fixed row height makes the window O(1) to find), so 100,000 lines
 * scroll as smoothly as 100; long lines scroll sideways, all rows together.
 */
export function TranscriptPane() {
  const t = useT();
  const s = useStyles();
  const { status } = useStore(sessionStore);
  // Only whether there are lines: the toolbar is not rendered again per batch.
  const empty = useSyncExternalStore(transcriptStore.subscribe, () => transcriptStore.get().count === 0);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState("");
  // The query the transcript is scanned for: typing pauses SEARCH_DELAY_MS first.
  const [debounced, setDebounced] = useState("");
  const searched = query.trim() === "" ? "" : debounced;
  const [hitIndex, setHitIndex] = useState(0);
  const [copied, setCopied] = useState(false);
  const [search] = useState(() => new TranscriptSearch());

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query]);

  const copy = async () => {
    const text = transcriptText(transcriptLines());
    const ok = await backend.copyText(text).catch(() => false);
    if (!ok) await navigator.clipboard?.writeText(text).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };

  return (
    <section className={s.pane} aria-label={t("transcript.title")} data-testid="transcript">
      <div className={s.toolbar}>
        <Text className={s.title}>
          {t("transcript.title")} <LineCount />
        </Text>
        <Input
          className={s.search}
          size="small"
          contentBefore={<SearchRegular />}
          placeholder={t("transcript.search")}
          aria-label={t("transcript.search")}
          value={query}
          onChange={(_, d) => {
            setQuery(d.value);
            setHitIndex(0);
            // Jumping to a hit and following the tail would fight.
            if (d.value.trim() !== "") setFollow(false);
          }}
          onKeyDown={(ev) => {
            if (ev.key === "Enter" && search.hits.length > 0) {
              ev.preventDefault();
              const n = search.hits.length;
              setHitIndex((h) => (h + 1) % n);
            }
          }}
        />
        {searched && <HitCount search={search} query={searched} />}
        <Switch checked={follow} label={t("transcript.follow")} onChange={(_, d) => setFollow(d.checked)} />
        <Tooltip content={copied ? t("transcript.copied") : t("transcript.copy")} relationship="label">
          <Button icon={<CopyRegular />} size="small" onClick={copy} disabled={empty} />
        </Tooltip>
      </div>
      <Viewport follow={follow} setFollow={setFollow} search={search} query={searched} hitIndex={hitIndex} status={status} />
    </section>
  );
}
