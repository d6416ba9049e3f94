import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Checkbox,
  Badge,
  Button,
  Dropdown,
  Field,
  MessageBar,
  MessageBarBody,
  Option,
  Radio,
  RadioGroup,
  Spinner,
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
import { FolderOpenRegular, SearchRegular } from "@fluentui/react-icons";
import { useState } from "react";
import { backend, errorText } from "../api/backend";
import { useT } from "../i18n";
import { useStore } from "../stores/createStore";
import { formStore, setField, validateStep, TLS_MIN_VERSIONS, type TLSMin, type TLSMode, type TargetMode } from "../stores/form";
import { lookupMX, mxStore } from "../stores/mx";
import { TextField, useTouched } from "./Fields";

const useStyles = makeStyles({
  grid: { display: "grid", gridTemplateColumns: "1fr 1fr", gap: tokens.spacingHorizontalL, alignItems: "start" },
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "end" },
  grow: { flexGrow: 1 },
  col: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  table: { marginTop: tokens.spacingVerticalS, tableLayout: "auto" },
  mono: { fontFamily: "Consolas, 'Cascadia Mono', 'DejaVu Sans Mono', monospace", fontSize: "12px", paddingRight: tokens.spacingHorizontalM, wordBreak: "break-all" },
  notes: { display: "flex", gap: tokens.spacingHorizontalXS, flexWrap: "wrap" },
  small: { maxWidth: "140px" },
  warn: { marginLeft: tokens.spacingHorizontalXXL },
});

/** Step 1: where the test goes, by MX lookup or a typed server, and how TLS is used. */
export function DestinationStep({ showAll }: { showAll: boolean }) {
  const t = useT();
  const s = useStyles();
  const { form } = useStore(formStore);
  const mx = useStore(mxStore);
  const [touched, touch] = useTouched();
  const errors = validateStep(0, form);
  const show = (k: string) => showAll || touched(k);

  const lookup = () => {
    touch("domain");
    if (!errors.domain && !errors.dnsServer) void lookupMX(form.domain, form.dnsServer);
  };

  const [advanced, setAdvanced] = useState(false);
  const [pickError, setPickError] = useState("");
  // Open by itself when a loaded profile set something inside, or Next found an error there.
  const advancedOpen = advanced || form.caFile !== "" || form.tlsMin !== "" || (showAll && Boolean(errors.caFile));
  const browse = async () => {
    setPickError("");
    try {
      const path = await backend.pickCAFile();
      if (path) setField("caFile", path);
    } catch (e) {
      setPickError(errorText(e));
    }
  };
  const tlsMinLabel = (v: TLSMin) => (v === "" ? t("dest.tlsMin.default") : `TLS ${v}`);

  const tlsLabels: Record<TLSMode, string> = {
    opportunistic: t("dest.tls.opportunistic"),
    starttls: t("dest.tls.starttls"),
    implicit: t("dest.tls.implicit"),
    none: t("dest.tls.none"),
  };

  return (
    <div className={s.col}>
      <Text>{t("wizard.destination.intro")}</Text>
      <Field label={t("dest.mode")}>
        <RadioGroup
          layout="horizontal"
          value={form.mode}
          onChange={(_, d) => setField("mode", d.value as TargetMode)}
          data-testid="dest-mode"
        >
          <Radio value="mx" label={t("dest.mode.mx")} />
          <Radio value="all" label={t("dest.mode.all")} />
          <Radio value="host" label={t("dest.mode.host")} />
        </RadioGroup>
      </Field>

      {form.mode !== "host" ? (
        <>
          <div className={s.row}>
            <TextField
              className={s.grow}
              id="domain"
              label={t("dest.domain")}
              hint={t("dest.domain.hint")}
              required
              value={form.domain}
              onChange={(v) => setField("domain", v)}
              error={errors.domain}
              show={show("domain")}
              onBlur={() => touch("domain")}
              placeholder="contoso.com"
              autoFocus
            />
            <Button icon={<SearchRegular />} onClick={lookup} disabled={mx.loading} data-testid="lookup-mx">
              {t("dest.lookup")}
            </Button>
          </div>
          <TextField
            id="dnsServer"
            label={t("dest.dnsServer")}
            hint={t("dest.dnsServer.hint")}
            value={form.dnsServer}
            onChange={(v) => setField("dnsServer", v)}
            error={errors.dnsServer}
            show={show("dnsServer")}
            onBlur={() => touch("dnsServer")}
            placeholder="192.0.2.53"
          />
          {mx.loading && <Spinner size="tiny" label={t("dest.looking")} />}
          {mx.error && (
            <MessageBar intent="error" data-testid="mx-error">
              <MessageBarBody>{mx.error}</MessageBarBody>
            </MessageBar>
          )}
          {mx.result && mx.result.hosts.length > 0 && (
            <div>
              <Text size={200}>
                {t("dest.answeredBy", { resolver: mx.result.resolver, ms: Math.round(mx.result.elapsed_ms) })}
              </Text>
              {(mx.result.warnings ?? []).map((w, i) => (
                <MessageBar key={i} intent="warning">
                  <MessageBarBody>{w}</MessageBarBody>
                </MessageBar>
              ))}
              <RadioGroup
                value={form.mode === "all" ? "" : form.mxHost}
                onChange={(_, d) => setField("mxHost", d.value)}
                aria-label={t("dest.pick")}
              >
                <Table size="small" className={s.table} aria-label={t("dest.mxTable")} data-testid="mx-table">
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell style={{ width: 36 }} />
                      <TableHeaderCell style={{ width: 90 }}>{t("dest.col.pref")}</TableHeaderCell>
                      <TableHeaderCell>{t("dest.col.host")}</TableHeaderCell>
                      <TableHeaderCell>{t("dest.col.addresses")}</TableHeaderCell>
                      <TableHeaderCell>{t("dest.col.notes")}</TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {form.mode === "mx" && (
                      <TableRow>
                        <TableCell>
                          <Radio value="" aria-label={t("dest.inOrder")} />
                        </TableCell>
                        <TableCell colSpan={4}>{t("dest.inOrder")}</TableCell>
                      </TableRow>
                    )}
                    {mx.result.hosts.map((h) => (
                      <TableRow key={h.exchanger}>
                        <TableCell>
                          {form.mode === "mx" && <Radio value={h.exchanger} aria-label={h.exchanger} disabled={h.addresses.length === 0} />}
                        </TableCell>
                        <TableCell>{h.implicit ? "—" : h.preference}</TableCell>
                        <TableCell className={s.mono}>
                          {h.exchanger}
                          {h.exchanger_unicode ? ` (${h.exchanger_unicode})` : ""}
                        </TableCell>
                        <TableCell className={s.mono}>{h.addresses.join(", ") || "—"}</TableCell>
                        <TableCell>
                          <span className={s.notes}>
                            {h.implicit && <Badge appearance="tint" color="warning">{t("dest.note.implicit")}</Badge>}
                            {h.equal && <Badge appearance="tint">{t("dest.note.equal")}</Badge>}
                            {h.flags.map((f) => (
                              <Badge key={f} appearance="tint" color="warning">
                                {f}
                              </Badge>
                            ))}
                            {h.error && <Text size={200}>{h.error}</Text>}
                          </span>
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </RadioGroup>
            </div>
          )}
        </>
      ) : (
        <div className={s.row}>
          <TextField
            className={s.grow}
            id="host"
            label={t("dest.host")}
            hint={t("dest.host.hint")}
            required
            value={form.host}
            onChange={(v) => setField("host", v)}
            error={errors.host}
            show={show("host")}
            onBlur={() => touch("host")}
            placeholder="mail.contoso.com"
            autoFocus
          />
        </div>
      )}
      <div className={s.grid}>
        <TextField
          id="port"
          label={t("dest.port")}
          hint={t("dest.port.hint")}
          value={form.port}
          onChange={(v) => setField("port", v)}
          error={errors.port}
          show={show("port")}
          onBlur={() => touch("port")}
          placeholder={form.tls === "implicit" ? "465" : "25"}
        />
        <Field label={t("dest.tls")}>
          <Dropdown
            value={tlsLabels[form.tls]}
            selectedOptions={[form.tls]}
            onOptionSelect={(_, d) => d.optionValue && setField("tls", d.optionValue as TLSMode)}
            data-testid="field-tls"
          >
            {(Object.keys(tlsLabels) as TLSMode[]).map((k) => (
              <Option key={k} value={k}>
                {tlsLabels[k]}
              </Option>
            ))}
          </Dropdown>
        </Field>
      </div>
      {form.tls !== "none" && (
        <>
          <Checkbox
            data-testid="field-insecureSkipVerify"
            checked={form.insecureSkipVerify}
            onChange={(_, d) => setField("insecureSkipVerify", d.checked === true)}
            label={t("dest.tls.skipVerify")}
            aria-describedby={form.insecureSkipVerify ? "skip-verify-warning" : undefined}
          />
          {form.insecureSkipVerify && (
            <MessageBar intent="warning" layout="multiline" className={s.warn} data-testid="skip-verify-warning">
              <MessageBarBody id="skip-verify-warning">{t("dest.tls.skipVerify.warning")}</MessageBarBody>
            </MessageBar>
          )}
          <Accordion
            collapsible
            openItems={advancedOpen ? ["tls"] : []}
            onToggle={(_, d) => setAdvanced(d.openItems.includes("tls"))}
          >
            <AccordionItem value="tls">
              <AccordionHeader data-testid="tls-advanced-toggle">{t("dest.tlsAdvanced")}</AccordionHeader>
              <AccordionPanel>
                <div className={s.col} data-testid="tls-advanced-panel">
                  <div className={s.row}>
                    <TextField
                      className={s.grow}
                      id="caFile"
                      label={t("dest.caFile")}
                      hint={t("dest.caFile.hint")}
                      value={form.caFile}
                      onChange={(v) => setField("caFile", v)}
                      error={errors.caFile}
                      show={show("caFile")}
                      onBlur={() => touch("caFile")}
                      placeholder={"C:\\certs\\contoso-root-ca.pem"}
                    />
                    <Button
                      icon={<FolderOpenRegular />}
                      onClick={() => void browse()}
                      aria-label={t("dest.caFile.browseLabel")}
                      data-testid="browse-caFile"
                    >
                      {t("dest.caFile.browse")}
                    </Button>
                  </div>
                  {pickError && (
                    <MessageBar intent="error" layout="multiline" data-testid="caFile-error">
                      <MessageBarBody>{pickError}</MessageBarBody>
                    </MessageBar>
                  )}
                  <Field label={t("dest.tlsMin")} hint={t("dest.tlsMin.hint")} className={s.grow}>
                    <Dropdown
                      data-testid="field-tlsMin"
                      value={tlsMinLabel(form.tlsMin)}
                      selectedOptions={[form.tlsMin]}
                      onOptionSelect={(_, d) => setField("tlsMin", (d.optionValue ?? "") as TLSMin)}
                    >
                      {TLS_MIN_VERSIONS.map((v) => (
                        <Option key={v || "default"} value={v} text={tlsMinLabel(v)}>
                          {tlsMinLabel(v)}
                        </Option>
                      ))}
                    </Dropdown>
                  </Field>
                </div>
              </AccordionPanel>
            </AccordionItem>
          </Accordion>
        </>
      )}
    </div>
  );
}
