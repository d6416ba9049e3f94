import {
  Badge,
  Button,
  Checkbox,
  Input,
  MessageBar,
  MessageBarBody,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { usePanelStyles } from "./panelStyles";
import { ArrowSyncRegular, CopyRegular, DeleteRegular, DocumentSearchRegular, BranchCompareRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import { backend } from "../api/backend";
import { useT, type MessageKey } from "../i18n";
import { useStore } from "../stores/createStore";
import { compareSelected, deleteRun, historyStore, loadMore, loadRuns, openRun, toggleSelected } from "../stores/history";

const useStyles = makeStyles({
  row: { display: "flex", gap: tokens.spacingHorizontalM, alignItems: "center", flexWrap: "wrap" },
  mono: { fontFamily: "Consolas, 'Cascadia Mono', 'DejaVu Sans Mono', monospace", fontSize: "12px", whiteSpace: "pre", overflow: "auto", maxHeight: "40vh" },
});

const kindColor = { better: "success", worse: "danger", neutral: "informative" } as const;

/** The History tab: stored runs, filters, Compare of two picked runs, open and delete. */
export function HistoryPanel() {
  const t = useT();
  const s = useStyles();
  const panel = usePanelStyles();
  const st = useStore(historyStore);
  const [search, setSearch] = useState("");
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    void loadRuns({});
  }, []);

  const apply = (next: { search?: string; failed?: boolean }) => void loadRuns({ search: next.search ?? search, failed: next.failed ?? failed });

  return (
    <div className={panel.panel} data-testid="history-panel">
      <div className={s.row}>
        <Input
          placeholder={t("history.search")}
          aria-label={t("history.search")}
          value={search}
          onChange={(_, d) => setSearch(d.value)}
          onKeyDown={(e) => e.key === "Enter" && apply({})}
          data-testid="history-search"
        />
        <Checkbox
          label={t("history.failedOnly")}
          checked={failed}
          onChange={(_, d) => {
            setFailed(!!d.checked);
            apply({ failed: !!d.checked });
          }}
        />
        <Button icon={<ArrowSyncRegular />} onClick={() => apply({})}>
          {t("history.refresh")}
        </Button>
        <Button appearance="primary" icon={<BranchCompareRegular />} disabled={st.selected.length !== 2} onClick={() => void compareSelected()} data-testid="history-compare">
          {t("history.compare")}
        </Button>
      </div>
      {st.error && (
        <MessageBar intent="error">
          <MessageBarBody>{st.error}</MessageBarBody>
        </MessageBar>
      )}
      {st.comparison && (
        <div data-testid="history-comparison">
          <Text weight="semibold">{t("history.changes", { old: st.comparison.old.id, new: st.comparison.new.id })}</Text>
          {st.comparison.changes.length === 0 ? (
            <Text block>{t("history.noChanges")}</Text>
          ) : (
            <Table size="small" aria-label={t("history.changes", { old: st.comparison.old.id, new: st.comparison.new.id })}>
              <TableBody>
                {st.comparison.changes.map((c, i) => (
                  <TableRow key={i}>
                    <TableCell style={{ width: "7em" }}>
                      <Badge color={kindColor[c.kind as keyof typeof kindColor] ?? "informative"}>{t(`history.kind.${c.kind}` as MessageKey)}</Badge>
                    </TableCell>
                    <TableCell>{c.meaning}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </div>
      )}
      {st.runs.length === 0 && !st.loading ? (
        <Text>{t("history.none")}</Text>
      ) : (
        <Table size="small" aria-label={t("history.title")}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: "3em" }} />
              <TableHeaderCell>{t("history.col.started")}</TableHeaderCell>
              <TableHeaderCell>{t("history.col.result")}</TableHeaderCell>
              <TableHeaderCell>{t("history.col.server")}</TableHeaderCell>
              <TableHeaderCell>{t("history.col.profile")}</TableHeaderCell>
              <TableHeaderCell>{t("history.col.verdict")}</TableHeaderCell>
              <TableHeaderCell />
            </TableRow>
          </TableHeader>
          <TableBody>
            {st.runs.map((r) => (
              <TableRow key={r.id} data-testid="history-row">
                <TableCell>
                  <Checkbox aria-label={t("history.pick", { id: r.id })} checked={st.selected.includes(r.id)} onChange={() => toggleSelected(r.id)} />
                </TableCell>
                <TableCell>{new Date(r.started as string).toLocaleString()}</TableCell>
                <TableCell>{r.ok ? t("history.ok") : t("history.failed", { code: r.exit_code })}</TableCell>
                <TableCell>
                  {r.host}:{r.port}
                </TableCell>
                <TableCell>{r.profile || "—"}</TableCell>
                <TableCell>{r.verdict || "—"}</TableCell>
                <TableCell>
                  <Button size="small" appearance="subtle" icon={<DocumentSearchRegular />} aria-label={t("history.open")} onClick={() => void openRun(r.id)} />
                  <Button size="small" appearance="subtle" icon={<DeleteRegular />} aria-label={t("history.delete")} onClick={() => void deleteRun(r.id)} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {st.runs.length > 0 && st.runs.length % 100 === 0 && <Button onClick={() => void loadMore()}>{t("history.more")}</Button>}
      {st.opened && (
        <div data-testid="history-opened">
          <div className={s.row}>
            <Text weight="semibold">{t("history.opened", { id: st.opened.id })}</Text>
            <Button size="small" icon={<CopyRegular />} onClick={() => st.opened && void backend.copyText(st.opened.json)}>
              {t("history.copyJSON")}
            </Button>
          </div>
          <div className={s.mono}>{st.opened.json}</div>
        </div>
      )}
    </div>
  );
}
