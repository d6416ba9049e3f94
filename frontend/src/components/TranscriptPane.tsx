import {
  Button,
  Input,
  Switch,
  Text,
  Tooltip,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import { CopyRegular, LockClosedFilled, SearchRegular } from "@fluentui/react-icons";
import { memo, useLayoutEffect, useMemo, useRef, useState } from "react";
import { backend } from "../api/backend";
import type { Entry } from "../api/types";
import { useT } from "../i18n";
import { useStore } from "../stores/createStore";
import { sessionStore, transcriptLines } from "../stores/session";

/** Height of one transcript row, in pixels; rows never wrap, so it is fixed. */
export const ROW_HEIGHT = 20;
/** Rows drawn above and below the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 20;

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
  viewport: { flexGrow: 1, overflow: "auto", position: "relative", minHeight: "120px", outline: "none" },
  row: {
    position: "absolute",
    left: 0,
    right: 0,
    height: `${ROW_HEIGHT}px`,
    lineHeight: `${ROW_HEIGHT}px`,
    whiteSpace: "pre",
    fontFamily: "Consolas, 'Cascadia Mono', 'DejaVu Sans Mono', monospace",
    fontSize: "12px",
    paddingLeft: tokens.spacingHorizontalS,
    paddingRight: tokens.spacingHorizontalS,
    display: "flex",
    gap: tokens.spacingHorizontalS,
  },
  time: { color: tokens.colorNeutralForeground3, width: "64px", textAlign: "right", flexShrink: 0 },
  dir: { width: "14px", flexShrink: 0, fontWeight: tokens.fontWeightSemibold },
  lock: { width: "12px", flexShrink: 0, color: tokens.colorPaletteGreenForeground1, paddingTop: "3px" },
  C: { color: tokens.colorBrandForeground1 },
  S: { color: tokens.colorNeutralForeground1 },
  I: { color: tokens.colorNeutralForeground3, fontStyle: "italic" },
  hit: { backgroundColor: tokens.colorPaletteYellowBackground2 },
  current: { backgroundColor: tokens.colorPaletteYellowBackground3 },
  empty: { padding: tokens.spacingHorizontalL, color: tokens.colorNeutralForeground3 },
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

/**
 * The live transcript: client, server and info lines with elapsed times and a
 * lock on lines that travelled inside TLS. Only the rows in view are drawn,
 * so 100,000 lines scroll as smoothly as 100.
 */
/** Props of the scrolling list; it alone re-renders on scroll, not the toolbar. */
interface ViewportProps {
  lines: readonly Entry[];
  version: number;
  follow: boolean;
  setFollow: (f: boolean) => void;
  hitSet: Set<number>;
  current: number;
  status: string;
}

const Viewport = memo(function Viewport({ lines, version, follow, setFollow, hitSet, current, status }: ViewportProps) {
  const t = useT();
  const s = useStyles();
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const ro = typeof ResizeObserver !== "undefined" ? new ResizeObserver(() => setHeight(el.clientHeight)) : null;
    ro?.observe(el);
    setHeight(el.clientHeight || 400);
    return () => ro?.disconnect();
  }, []);

  // Following the tail keeps the newest line in view as batches arrive.
  useLayoutEffect(() => {
    const el = viewport.current;
    if (follow && el) {
      el.scrollTop = el.scrollHeight;
      setScrollTop(el.scrollTop);
    }
  }, [version, follow]);

  // A search hit scrolls into the middle of the view.
  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el || current < 0) return;
    el.scrollTop = Math.max(0, current * ROW_HEIGHT - el.clientHeight / 2);
    setScrollTop(el.scrollTop);
  }, [current]);

  const onScroll = () => {
    const el = viewport.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 2;
    if (!atBottom && follow) setFollow(false);
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(lines.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const rows = [];
  for (let i = first; i < last; i++) {
    const e = lines[i];
    if (!e) continue;
    rows.push(
      <div
        key={i}
        role="listitem"
        data-dir={e.dir}
        className={mergeClasses(s.row, s[e.dir], hitSet.has(i) && s.hit, i === current && s.current)}
        style={{ top: i * ROW_HEIGHT }}
      >
        <span className={s.time}>{formatElapsed(e.elapsed_ms)}</span>
        <span className={s.lock}>{e.tls ? <LockClosedFilled aria-label={t("transcript.tls")} /> : null}</span>
        <span className={s.dir} aria-label={t(e.dir === "C" ? "transcript.client" : e.dir === "S" ? "transcript.server" : "transcript.info")}>
          {e.dir === "I" ? "*" : e.dir}
        </span>
        <span>{e.text}</span>
      </div>,
    );
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
      {lines.length === 0 ? (
        <div className={s.empty}>{status === "running" ? t("transcript.waiting") : t("transcript.empty")}</div>
      ) : (
        <div style={{ height: lines.length * ROW_HEIGHT, position: "relative" }}>{rows}</div>
      )}
    </div>
  );
});

/**
 * The live transcript: client, server and info lines with elapsed times and a
 * lock on lines that travelled inside TLS. Only the rows in view are drawn,
 * so 100,000 lines scroll as smoothly as 100.
 */
export function TranscriptPane() {
  const t = useT();
  const s = useStyles();
  const { entriesVersion, status } = useStore(sessionStore);
  const lines = transcriptLines();
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState("");
  const [hitIndex, setHitIndex] = useState(0);
  const [copied, setCopied] = useState(false);

  const hits = useMemo(() => {
    if (query.trim() === "") return [] as number[];
    const q = query.toLowerCase();
    const out: number[] = [];
    lines.forEach((e, i) => {
      if (e.text.toLowerCase().includes(q)) out.push(i);
    });
    return out;
    // entriesVersion changes whenever lines grows in place.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, entriesVersion, lines]);
  const hitSet = useMemo(() => new Set(hits), [hits]);
  const current = hits.length > 0 ? (hits[Math.min(hitIndex, hits.length - 1)] ?? -1) : -1;

  const copy = async () => {
    const ok = await backend.copyText(transcriptText(lines)).catch(() => false);
    if (!ok) await navigator.clipboard?.writeText(transcriptText(lines)).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };

  return (
    <section className={s.pane} aria-label={t("transcript.title")} data-testid="transcript">
      <div className={s.toolbar}>
        <Text className={s.title}>
          {t("transcript.title")} <Text size={200}>({t("transcript.count", { n: lines.length })})</Text>
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
            if (ev.key === "Enter" && hits.length > 0) {
              ev.preventDefault();
              setHitIndex((h) => (h + 1) % hits.length);
            }
          }}
        />
        {query && (
          <Text size={200} aria-live="polite">
            {t("transcript.hits", { n: hits.length })}
          </Text>
        )}
        <Switch checked={follow} label={t("transcript.follow")} onChange={(_, d) => setFollow(d.checked)} />
        <Tooltip content={copied ? t("transcript.copied") : t("transcript.copy")} relationship="label">
          <Button icon={<CopyRegular />} size="small" onClick={copy} disabled={lines.length === 0} />
        </Tooltip>
      </div>
      <Viewport
        lines={lines}
        version={entriesVersion}
        follow={follow}
        setFollow={setFollow}
        hitSet={hitSet}
        current={current}
        status={status}
      />
    </section>
  );
}
