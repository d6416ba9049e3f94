import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Button,
  Checkbox,
  Dropdown,
  Field,
  Option,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { AddRegular, DeleteRegular } from "@fluentui/react-icons";
import { useState } from "react";
import { useT, type MessageKey } from "../i18n";
import { useStore } from "../stores/createStore";
import {
  DEFAULT_TIMEOUTS,
  TIMEOUT_FIELDS,
  formStore,
  setField,
  timeoutField,
  validateStep,
  type StopAfter,
  type Timeouts,
} from "../stores/form";
import { TextField, useTouched } from "./Fields";

const useStyles = makeStyles({
  col: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  header: { display: "grid", gridTemplateColumns: "1fr 2fr auto", gap: tokens.spacingHorizontalS, alignItems: "start" },
  del: { marginTop: "26px" },
  timeouts: { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(220px, 1fr))", gap: tokens.spacingHorizontalM },
});

const TIMEOUT_LABELS: Record<keyof Timeouts, MessageKey> = {
  connect: "msg.timeout.connect",
  banner: "msg.timeout.banner",
  command: "msg.timeout.command",
  dataBlock: "msg.timeout.dataBlock",
  finalDot: "msg.timeout.finalDot",
};

export const STOP_AFTER: { value: StopAfter; key: MessageKey }[] = [
  { value: "", key: "msg.stop.none" },
  { value: "rcpt", key: "msg.stop.rcpt" },
  { value: "connect", key: "msg.stop.connect" },
  { value: "banner", key: "msg.stop.banner" },
  { value: "ehlo", key: "msg.stop.ehlo" },
  { value: "mail", key: "msg.stop.mail" },
  { value: "data", key: "msg.stop.data" },
];

/** Step 3: the test message and how far the session goes. */
export function MessageStep({ showAll }: { showAll: boolean }) {
  const t = useT();
  const s = useStyles();
  const { form } = useStore(formStore);
  const [touched, touch] = useTouched();
  const errors = validateStep(2, form);
  const show = (k: string) => showAll || touched(k);
  const [advanced, setAdvanced] = useState(false);
  const advancedErr = TIMEOUT_FIELDS.some((k) => errors[timeoutField(k)] && (showAll || form.timeouts[k] !== ""));
  const advancedOpen = advanced || (showAll && advancedErr);
  const stopLabel = t(STOP_AFTER.find((x) => x.value === form.stopAfter)?.key ?? "msg.stop.none");

  return (
    <div className={s.col}>
      <Field label={t("msg.stop")} hint={t("msg.stop.hint")}>
        <Dropdown
          data-testid="field-stopAfter"
          value={stopLabel}
          selectedOptions={[form.stopAfter]}
          onOptionSelect={(_, d) => setField("stopAfter", (d.optionValue ?? "") as StopAfter)}
        >
          {STOP_AFTER.map((o) => (
            <Option key={o.value || "none"} value={o.value} text={t(o.key)}>
              {t(o.key)}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <TextField
        id="subject"
        label={t("msg.subject")}
        value={form.subject}
        onChange={(v) => setField("subject", v)}
        error={errors.subject}
        show={show("subject")}
        onBlur={() => touch("subject")}
        autoFocus
      />
      <Field label={t("msg.body")}>
        <Textarea
          data-testid="field-body"
          value={form.body}
          rows={5}
          resize="vertical"
          onChange={(_, d) => setField("body", d.value)}
        />
      </Field>
      <Field label={t("msg.headers")} hint={t("msg.headers.hint")}>
        <div className={s.col}>
          {form.headers.map((h, i) => (
            <div key={i} className={s.header}>
              <TextField
                id={`header${i}.name`}
                label={t("msg.header.name")}
                value={h.name}
                onChange={(v) => setField("headers", form.headers.map((x, j) => (j === i ? { ...x, name: v } : x)))}
                error={errors[`header${i}.name`]}
                show={show(`header${i}.name`)}
                onBlur={() => touch(`header${i}.name`)}
                placeholder="X-Test"
              />
              <TextField
                id={`header${i}.value`}
                label={t("msg.header.value")}
                value={h.value}
                onChange={(v) => setField("headers", form.headers.map((x, j) => (j === i ? { ...x, value: v } : x)))}
                error={errors[`header${i}.value`]}
                show={show(`header${i}.value`)}
                onBlur={() => touch(`header${i}.value`)}
              />
              <Button
                className={s.del}
                icon={<DeleteRegular />}
                aria-label={t("msg.header.remove")}
                onClick={() => setField("headers", form.headers.filter((_, j) => j !== i))}
              />
            </div>
          ))}
          <div>
            <Button icon={<AddRegular />} onClick={() => setField("headers", [...form.headers, { name: "", value: "" }])}>
              {t("msg.header.add")}
            </Button>
          </div>
        </div>
      </Field>
      <Accordion
        collapsible
        openItems={advancedOpen ? ["advanced"] : []}
        onToggle={(_, d) => setAdvanced(d.openItems.includes("advanced"))}
      >
        <AccordionItem value="advanced">
          <AccordionHeader data-testid="advanced-toggle">{t("msg.advanced")}</AccordionHeader>
          <AccordionPanel>
            <div className={s.col} data-testid="advanced-panel">
              <Field label={t("msg.timeouts")} hint={t("msg.timeouts.hint")}>
                <div className={s.timeouts}>
                  {TIMEOUT_FIELDS.map((k) => (
                    <TextField
                      key={k}
                      id={timeoutField(k)}
                      label={t(TIMEOUT_LABELS[k])}
                      value={form.timeouts[k]}
                      placeholder={DEFAULT_TIMEOUTS[k]}
                      onChange={(v) => setField("timeouts", { ...form.timeouts, [k]: v })}
                      error={errors[timeoutField(k)]}
                      show={show(timeoutField(k))}
                      onBlur={() => touch(timeoutField(k))}
                    />
                  ))}
                </div>
              </Field>
              <Checkbox
                data-testid="field-lockstep"
                checked={!form.pipelining}
                onChange={(_, d) => setField("pipelining", d.checked !== true)}
                label={t("msg.lockstep")}
              />
              <Checkbox
                data-testid="field-chunking"
                checked={form.chunking}
                onChange={(_, d) => setField("chunking", d.checked === true)}
                label={t("msg.chunking")}
              />
            </div>
          </AccordionPanel>
        </AccordionItem>
      </Accordion>
    </div>
  );
}
