import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Badge,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Tooltip,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import {
  CheckmarkCircleFilled,
  DismissCircleFilled,
  SubtractCircleRegular,
  WarningFilled,
} from "@fluentui/react-icons";
import { asStepStatus, type StepStatus, type Text2 } from "../api/types";
import { langStore, useT, type Lang, type MessageKey } from "../i18n";
import { useStore } from "../stores/createStore";
import { sessionStore, type StepRow } from "../stores/session";
import { CertificatePanel } from "./CertificatePanel";
import { SenderFindings } from "./SenderFindings";

const useStyles = makeStyles({
  col: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  stepHead: {
    display: "grid",
    gridTemplateColumns: "20px minmax(90px, 150px) 76px minmax(0, 1fr) 56px",
    alignItems: "center",
    columnGap: tokens.spacingHorizontalS,
    width: "100%",
  },
  name: { fontWeight: tokens.fontWeightSemibold, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  code: { fontFamily: "Consolas, 'Cascadia Mono', monospace", whiteSpace: "nowrap", fontSize: "13px" },
  summary: { color: tokens.colorNeutralForeground2, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  ms: { whiteSpace: "nowrap", justifySelf: "end" },
  panel: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS, paddingLeft: "28px" },
  mono: { fontFamily: "Consolas, 'Cascadia Mono', monospace", fontSize: "12px", whiteSpace: "pre-wrap" },
  wf: { display: "grid", gridTemplateColumns: "130px 1fr 70px", gap: "2px 8px", alignItems: "center" },
  wfTrack: { position: "relative", height: "12px", backgroundColor: tokens.colorNeutralBackground3, borderRadius: "2px" },
  wfBar: { position: "absolute", top: 0, height: "12px", minWidth: "2px", borderRadius: "2px" },
  wfMs: { textAlign: "right", fontSize: "12px", color: tokens.colorNeutralForeground3 },
  h: { fontWeight: tokens.fontWeightSemibold },
  ok: { color: tokens.colorPaletteGreenForeground1 },
  failed: { color: tokens.colorPaletteRedForeground1 },
  warning: { color: tokens.colorPaletteDarkOrangeForeground1 },
  skipped: { color: tokens.colorNeutralForeground3 },
});

export function pick(l: Lang, t?: Text2 | null): string {
  if (!t) return "";
  return (l === "es" ? t.es : t.en) || t.en || "";
}

export function StatusIcon({ status }: { status: StepStatus }) {
  const t = useT();
  const s = useStyles();
  const label = t(`status.${status}` as MessageKey);
  switch (status) {
    case "ok":
      return <CheckmarkCircleFilled className={s.ok} aria-label={label} fontSize={20} />;
    case "failed":
      return <DismissCircleFilled className={s.failed} aria-label={label} fontSize={20} />;
    case "warning":
      return <WarningFilled className={s.warning} aria-label={label} fontSize={20} />;
    case "skipped":
      return <SubtractCircleRegular className={s.skipped} aria-label={label} fontSize={20} />;
    default:
      return <Spinner size="extra-tiny" aria-label={label} />;
  }
}

/** The label of a step row: "RCPT TO user@contoso.com", "EHLO"... */
export function stepLabel(t: (k: MessageKey) => string, st: StepRow): string {
  const base = t(`step.${st.name}` as MessageKey) || st.name;
  return st.recipient ? `${base} ${st.recipient}` : base;
}

const barColour: Record<string, string> = {
  ok: tokens.colorPaletteGreenBackground3,
  warning: tokens.colorPaletteDarkOrangeBackground3,
  failed: tokens.colorPaletteRedBackground3,
  skipped: tokens.colorNeutralStroke1,
  running: tokens.colorBrandBackground,
};

/** A timing waterfall, one bar per step, like a browser's network panel. */
function Waterfall({ steps }: { steps: StepRow[] }) {
  const t = useT();
  const s = useStyles();
  const timed = steps.filter((x) => x.name !== "" && x.status !== "skipped");
  const end = Math.max(1, ...timed.map((x) => (x.offset_ms ?? 0) + x.duration_ms));
  return (
    <div className={s.wf} role="table" aria-label={t("run.waterfall")} data-testid="waterfall">
      {timed.map((x, i) => (
        <div key={i} role="row" style={{ display: "contents" }}>
          <Text role="cell" size={200} truncate wrap={false}>
            {stepLabel(t, x)}
          </Text>
          <div role="cell" className={s.wfTrack}>
            <div
              className={s.wfBar}
              style={{
                left: `${((x.offset_ms ?? 0) / end) * 100}%`,
                width: `${(x.duration_ms / end) * 100}%`,
                backgroundColor: barColour[x.status],
              }}
            />
          </div>
          <span role="cell" className={s.wfMs}>
            {x.duration_ms.toFixed(0)} ms
          </span>
        </div>
      ))}
    </div>
  );
}

/**
 * How a host of an "every MX" run is shown: its name as soon as its first
 * step names it (Go keys the live events by host name), with the address
 * once the result says which one was used.
 */
export function hostTitle(h: string, runs: { host: string; ip: string }[] | undefined): string {
  const ip = runs?.find((r) => r.host === h)?.ip;
  return ip && ip !== h ? `${h} (${ip})` : h;
}

/** The host × step grid of an "every MX" run. */
function HostGrid({ hosts, steps, runs }: { hosts: string[]; steps: Record<string, StepRow[]>; runs?: { host: string; ip: string }[] }) {
  const lang = useStore(langStore);
  const t = useT();
  const names: string[] = [];
  for (const h of hosts) for (const st of steps[h] ?? []) if (!names.includes(st.name)) names.push(st.name);
  return (
    <Table size="small" aria-label={t("run.grid")} data-testid="host-grid" style={{ tableLayout: "auto" }}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t("dest.col.host")}</TableHeaderCell>
          {names.map((n) => (
            <TableHeaderCell key={n}>{t(`step.${n}` as MessageKey)}</TableHeaderCell>
          ))}
        </TableRow>
      </TableHeader>
      <TableBody>
        {hosts.map((h) => (
          <TableRow key={h}>
            <TableCell style={{ whiteSpace: "nowrap", paddingRight: 12 }}>{hostTitle(h, runs)}</TableCell>
            {names.map((n) => {
              const row = (steps[h] ?? []).filter((x) => x.name === n);
              const worst = row.find((x) => x.status === "failed") ?? row.find((x) => x.status === "warning") ?? row[0];
              return (
                <TableCell key={n}>
                  {worst && (
                    <Tooltip content={worst.reply ? `${worst.reply.code} ${worst.reply.lines?.[0] ?? ""}` : pick(lang, worst.error_text) || worst.error || ""} relationship="description">
                      <span style={{ display: "inline-flex", alignItems: "center", gap: 4, whiteSpace: "nowrap" }}>
                        <StatusIcon status={asStepStatus(worst.status)} /> {worst.reply?.code ?? ""}
                      </span>
                    </Tooltip>
                  )}
                </TableCell>
              );
            })}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Step 4: the verdict, the step timeline with explanations, the waterfall and, for every MX, the grid. */
export function RunStep() {
  const t = useT();
  const s = useStyles();
  const lang = useStore(langStore);
  const ses = useStore(sessionStore);
  const r = ses.result;

  const verdictIntent = (sev?: string) =>
    sev === "error" ? "error" : sev === "warning" ? "warning" : sev === "ok" ? "success" : "info";

  return (
    <div className={s.col} data-testid="run-step">
      {ses.status === "idle" && <Text>{t("run.idle")}</Text>}
      {ses.status === "running" && <Spinner size="small" label={t("run.running")} labelPosition="after" />}
      {ses.status === "error" && (
        <MessageBar intent="error" data-testid="run-error">
          <MessageBarBody>{ses.error}</MessageBarBody>
        </MessageBar>
      )}
      {r?.canceled && (
        <MessageBar intent="warning" data-testid="run-canceled">
          <MessageBarBody>{t("run.canceled")}</MessageBarBody>
        </MessageBar>
      )}
      {r &&
        !r.canceled &&
        r.runs.slice(0, 1).map((run, i) => (
          <MessageBar key={i} intent={verdictIntent(run.verdict?.severity)} layout="multiline" data-testid="verdict">
            <MessageBarBody>
              <MessageBarTitle>{pick(lang, run.verdict?.title)}</MessageBarTitle>
              {distinctCause(pick(lang, run.verdict?.title), pick(lang, run.verdict?.cause))}
              {(run.verdict?.actions ?? []).length > 0 && (
                <ul>
                  {(run.verdict.actions ?? []).slice(0, 3).map((a, j) => (
                    <li key={j}>{pick(lang, a)}</li>
                  ))}
                </ul>
              )}
            </MessageBarBody>
          </MessageBar>
        ))}
      {(ses.result?.runs ?? []).map((run, i) =>
        run.tls ? (
          <CertificatePanel
            key={`cert-${ses.id}-${i}`}
            report={run.tls}
            host={(ses.result?.runs.length ?? 0) > 1 ? run.host : undefined}
            sessionId={ses.id}
            hostIndex={i}
          />
        ) : null,
      )}
      {ses.result?.sender && (
        <section aria-label={t("sender.title")} data-testid="run-sender">
          <Text className={s.h}>{t("sender.title")}</Text>
          <SenderFindings report={ses.result.sender} />
        </section>
      )}
      {ses.hosts.length > 1 && <HostGrid hosts={ses.hosts} steps={ses.steps} runs={r?.runs} />}
      {ses.hosts.map((h) => (
        <section key={h} aria-label={hostTitle(h, r?.runs) || t("run.timeline")}>
          {ses.hosts.length > 1 && <Text className={s.h}>{hostTitle(h, r?.runs)}</Text>}
          <Accordion multiple collapsible data-testid="timeline">
            {(ses.steps[h] ?? []).filter((st) => st.name !== "").map((st, i) => {
              const ev = st.evaluation;
              const summary = pick(lang, ev?.summary) || pick(lang, st.error_text) || st.error || "";
              return (
                <AccordionItem key={i} value={i} data-testid={`step-${st.name}`} data-status={st.status}>
                  <AccordionHeader expandIconPosition="end">
                    <span className={s.stepHead}>
                      <StatusIcon status={asStepStatus(st.status)} />
                      <span className={s.name} title={stepLabel(t, st)}>
                        {stepLabel(t, st)}
                      </span>
                      <span className={s.code}>
                        {st.reply ? `${st.reply.code}${st.reply.enhanced ? " " + st.reply.enhanced : ""}` : ""}
                      </span>
                      <span className={s.summary}>{summary}</span>
                      <span className={s.ms}>
                        {st.status !== "skipped" && st.status !== "running" && (
                          <Badge appearance="outline" size="small">
                            {st.duration_ms.toFixed(0)} ms
                          </Badge>
                        )}
                      </span>
                    </span>
                  </AccordionHeader>
                  <AccordionPanel>
                    <div className={s.panel}>
                      {st.command && <span className={s.mono}>C: {st.command}</span>}
                      {st.reply?.lines?.map((line, j) => (
                        <span key={j} className={s.mono}>
                          S: {st.reply?.code}
                          {j < (st.reply?.lines.length ?? 0) - 1 ? "-" : " "}
                          {line}
                        </span>
                      ))}
                      {ev && (
                        <>
                          <Text className={s.h}>{t("run.meaning")}</Text>
                          <Text>
                            {[pick(lang, ev.code_meaning), pick(lang, ev.enhanced_meaning)].filter(Boolean).join(" ")}
                          </Text>
                          {(ev.causes ?? []).length > 0 && (
                            <>
                              <Text className={s.h}>{t("run.causes")}</Text>
                              <ul>
                                {(ev.causes ?? []).map((c, j) => (
                                  <li key={j}>{pick(lang, c)}</li>
                                ))}
                              </ul>
                            </>
                          )}
                          {(ev.actions ?? []).length > 0 && (
                            <>
                              <Text className={s.h}>{t("run.actions")}</Text>
                              <ul>
                                {(ev.actions ?? []).map((c, j) => (
                                  <li key={j}>{pick(lang, c)}</li>
                                ))}
                              </ul>
                            </>
                          )}
                          {(ev.references ?? []).length > 0 && (
                            <Text size={200}>{t("run.references")}: {(ev.references ?? []).join(", ")}</Text>
                          )}
                        </>
                      )}
                    </div>
                  </AccordionPanel>
                </AccordionItem>
              );
            })}
          </Accordion>
          {(ses.steps[h] ?? []).some((x) => x.status !== "running") && (
            <>
              <Text className={s.h}>{t("run.waterfall")}</Text>
              <Waterfall steps={ses.steps[h] ?? []} />
            </>
          )}
        </section>
      ))}
    </div>
  );
}

/**
 * The verdict's cause, unless it only repeats the title (a success headline
 * is "Accepted for delivery" with the cause "Message accepted for delivery").
 */
export function distinctCause(title: string, cause: string): string {
  const norm = (x: string) => x.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  const t = norm(title);
  const c = norm(cause);
  if (!c || c === t || c.endsWith(t) || t.endsWith(c)) return "";
  return cause;
}
