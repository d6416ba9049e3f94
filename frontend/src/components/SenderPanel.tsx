import { Button, Field, Input, MessageBar, MessageBarBody, Text, makeStyles, tokens } from "@fluentui/react-components";
import { usePanelStyles } from "./panelStyles";
import { ShieldCheckmarkRegular } from "@fluentui/react-icons";
import { useState } from "react";
import { useT } from "../i18n";
import { useStore } from "../stores/createStore";
import { checkSender, senderStore, type SenderInput } from "../stores/sender";
import { SenderFindings } from "./SenderFindings";

const useStyles = makeStyles({
  row: { display: "flex", gap: tokens.spacingHorizontalL, alignItems: "end", flexWrap: "wrap" },
});

const fields: { key: keyof SenderInput; label: "sender.ip" | "sender.helo" | "sender.from" | "sender.fromHeader" | "sender.dns" }[] = [
  { key: "ip", label: "sender.ip" },
  { key: "helo", label: "sender.helo" },
  { key: "from", label: "sender.from" },
  { key: "from_header_domain", label: "sender.fromHeader" },
  { key: "dns_server", label: "sender.dns" },
];

/** The Sender checks page: check an IP and domain without a session. */
export function SenderPanel() {
  const t = useT();
  const s = useStyles();
  const panel = usePanelStyles();
  const st = useStore(senderStore);
  const [input, setInput] = useState<SenderInput>({ ip: "", helo: "", from: "", from_header_domain: "", dns_server: "" });
  return (
    <div className={panel.panel}>
      <Text as="h2" size={500} weight="semibold">
        {t("sender.title")}
      </Text>
      <Text>{t("sender.intro")}</Text>
      <div className={s.row}>
        {fields.map((f) => (
          <Field key={f.key} label={t(f.label)}>
            <Input
              value={input[f.key]}
              data-testid={`sender-${f.key}`}
              onChange={(_, d) => setInput((p) => ({ ...p, [f.key]: d.value }))}
            />
          </Field>
        ))}
        <Button appearance="primary" icon={<ShieldCheckmarkRegular />} disabled={st.loading} onClick={() => void checkSender(input)} data-testid="sender-check">
          {st.loading ? t("sender.checking") : t("sender.check")}
        </Button>
      </div>
      {st.error && (
        <MessageBar intent="error" data-testid="sender-error">
          <MessageBarBody>{st.error}</MessageBarBody>
        </MessageBar>
      )}
      {st.report && <SenderFindings report={st.report} />}
    </div>
  );
}
