import {
  Button,
  Checkbox,
  Field,
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
import { PlayRegular, StopRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import { backend, errorText, type ReceiverStatus } from "../api/backend";
import { langStore, useT } from "../i18n";
import { useStore } from "../stores/createStore";
import { receiverStore, refreshReceiver } from "../stores/receiver";

const useStyles = makeStyles({
  row: { display: "flex", gap: tokens.spacingHorizontalL, alignItems: "end", flexWrap: "wrap" },
  mono: { fontFamily: "Consolas, 'Cascadia Mono', 'DejaVu Sans Mono', monospace", fontSize: "12px", whiteSpace: "pre" },
  h: { fontWeight: tokens.fontWeightSemibold },
});

/** The built-in receiver: start it, rehearse failures, watch connections and messages arrive. */
export function ReceivePanel() {
  const t = useT();
  const s = useStyles();
  const panel = usePanelStyles();
  const st: ReceiverStatus | null = useStore(receiverStore);
  const [addr, setAddr] = useState("127.0.0.1:2525");
  const [reject, setReject] = useState("");
  const [greylist, setGreylist] = useState(false);
  const [error, setError] = useState("");

  useEffect(() => {
    void refreshReceiver();
  }, []);

  const start = async () => {
    setError("");
    try {
      await backend.startReceiver({ addr, reject_rcpt: reject, greylist, lang: langStore.get() });
      await refreshReceiver();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const stop = async () => {
    await backend.stopReceiver();
    await refreshReceiver();
  };

  return (
    <section className={panel.panel} aria-label={t("recv.title")} data-testid="receive-panel">
      <Text>{t("recv.intro")}</Text>
      <div className={s.row}>
        <Field label={t("recv.addr")} hint={t("recv.addr.hint")}>
          <Input value={addr} onChange={(_, d) => setAddr(d.value)} disabled={st?.running} />
        </Field>
        <Field label={t("recv.reject")} hint={t("recv.reject.hint")}>
          <Input value={reject} onChange={(_, d) => setReject(d.value)} disabled={st?.running} placeholder="^nobody@" />
        </Field>
        <Checkbox label={t("recv.greylist")} checked={greylist} onChange={(_, d) => setGreylist(Boolean(d.checked))} disabled={st?.running} />
        {st?.running ? (
          <Button icon={<StopRegular />} onClick={stop} data-testid="recv-stop">
            {t("recv.stop")}
          </Button>
        ) : (
          <Button appearance="primary" icon={<PlayRegular />} onClick={start} data-testid="recv-start">
            {t("recv.start")}
          </Button>
        )}
      </div>
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {st?.running && (
        <MessageBar intent="success" data-testid="recv-running">
          <MessageBarBody>{t("recv.listening", { addr: st.addr })}</MessageBarBody>
        </MessageBar>
      )}
      <Text className={s.h}>{t("recv.messages", { n: st?.messages.length ?? 0 })}</Text>
      <Table size="small" aria-label={t("recv.messages", { n: st?.messages.length ?? 0 })} data-testid="recv-messages">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t("recv.col.time")}</TableHeaderCell>
            <TableHeaderCell>{t("recv.col.from")}</TableHeaderCell>
            <TableHeaderCell>{t("recv.col.to")}</TableHeaderCell>
            <TableHeaderCell>{t("recv.col.subject")}</TableHeaderCell>
            <TableHeaderCell>{t("recv.col.size")}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {(st?.messages ?? []).map((m) => (
            <TableRow key={m.id}>
              <TableCell>{new Date(m.time).toLocaleTimeString()}</TableCell>
              <TableCell>{m.from || "<>"}</TableCell>
              <TableCell>{m.rcpts.join(", ")}</TableCell>
              <TableCell>{m.subject}</TableCell>
              <TableCell>{m.size}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Text className={s.h}>{t("recv.connections", { n: st?.connections.length ?? 0 })}</Text>
      {(st?.connections ?? [])
        .slice(-5)
        .reverse()
        .map((c) => (
          <details key={c.id}>
            <summary>
              #{c.id} {c.remote} {c.ehlo && `— EHLO ${c.ehlo}`} {c.open ? `(${t("recv.open")})` : ""}
            </summary>
            <div className={s.mono}>{c.lines.join("\n")}</div>
          </details>
        ))}
    </section>
  );
}
