import {
  Checkbox,
  Dropdown,
  Field,
  Option,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useT } from "../i18n";
import { splitRecipients } from "../lib/validation";
import { useStore } from "../stores/createStore";
import { formStore, setField, validateStep, type Notify, type Ret } from "../stores/form";
import { TextField, useTouched } from "./Fields";

const useStyles = makeStyles({
  col: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  grid: { display: "grid", gridTemplateColumns: "1fr 1fr", gap: tokens.spacingHorizontalL, alignItems: "start" },
  checks: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalM },
  group: {
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalM,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
  },
  legend: { padding: `0 ${tokens.spacingHorizontalXS}`, fontWeight: tokens.fontWeightSemibold },
  plain: { border: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS },
  plainLegend: { padding: 0, marginBottom: tokens.spacingVerticalXS },
  hint: { color: tokens.colorNeutralForeground3 },
  error: { color: tokens.colorPaletteRedForeground1 },
});

const MECHS = ["", "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"];
const RETS: { value: Ret; key: "env.ret.default" | "env.ret.full" | "env.ret.hdrs" }[] = [
  { value: "", key: "env.ret.default" },
  { value: "full", key: "env.ret.full" },
  { value: "hdrs", key: "env.ret.hdrs" },
];

/** Step 2: the SMTP envelope (EHLO, MAIL FROM, RCPT TO with DSN) and authentication. */
export function EnvelopeStep({ showAll, defaultEHLO }: { showAll: boolean; defaultEHLO: string }) {
  const t = useT();
  const s = useStyles();
  const { form, profileId } = useStore(formStore);
  const [touched, touch] = useTouched();
  const errors = validateStep(1, form);
  const show = (k: string) => showAll || touched(k);
  const rcpts = splitRecipients(form.to);

  const toggleNotify = (n: Notify, on: boolean) => {
    // NEVER excludes the others (RFC 3461 §4.1), so picking it clears them and vice versa.
    let next = form.notify.filter((x) => x !== n);
    if (on) next = n === "never" ? ["never"] : [...next.filter((x) => x !== "never"), n];
    setField("notify", next);
  };

  return (
    <div className={s.col}>
      <TextField
        id="ehlo"
        label={t("env.ehlo")}
        hint={t("env.ehlo.hint", { name: defaultEHLO })}
        value={form.ehlo}
        onChange={(v) => setField("ehlo", v)}
        error={errors.ehlo}
        show={show("ehlo")}
        onBlur={() => touch("ehlo")}
        placeholder={defaultEHLO}
      />
      <TextField
        id="from"
        label={t("env.from")}
        hint={t("env.from.hint")}
        value={form.from}
        onChange={(v) => setField("from", v)}
        error={errors.from}
        show={show("from")}
        onBlur={() => touch("from")}
        placeholder="admin@fabrikam.com"
        autoFocus
      />
      <Field
        label={t("env.to")}
        hint={t("env.to.hint", { n: rcpts.length })}
        required
        validationState={errors.to && (show("to") || form.to) ? "error" : "none"}
        validationMessage={errors.to && (show("to") || form.to) ? t(errors.to) : undefined}
      >
        <Textarea
          data-testid="field-to"
          value={form.to}
          resize="vertical"
          rows={3}
          onChange={(_, d) => setField("to", d.value)}
          onBlur={() => touch("to")}
          placeholder="user@contoso.com"
        />
      </Field>
      {/* A Field would give every checkbox the same id; a fieldset groups them for screen readers. */}
      <fieldset className={s.plain} aria-describedby="notify-hint">
        <legend className={s.plainLegend}>{t("env.notify")}</legend>
        <div className={s.checks}>
          {(["success", "failure", "delay", "never"] as Notify[]).map((n) => (
            <Checkbox
              key={n}
              label={t(`env.notify.${n}`)}
              checked={form.notify.includes(n)}
              onChange={(_, d) => toggleNotify(n, Boolean(d.checked))}
            />
          ))}
        </div>
        <Text id="notify-hint" size={200} className={s.hint}>
          {t("env.notify.hint")}
        </Text>
        {errors.notify && (
          <Text size={200} className={s.error} role="alert">
            {t(errors.notify)}
          </Text>
        )}
      </fieldset>
      <fieldset className={s.group} data-testid="dsn-options">
        <legend className={s.legend}>{t("env.dsn.more")}</legend>
        <div className={s.grid}>
          <Field label={t("env.ret")}>
            <Dropdown
              data-testid="field-ret"
              value={t(RETS.find((r) => r.value === form.ret)?.key ?? "env.ret.default")}
              selectedOptions={[form.ret]}
              onOptionSelect={(_, d) => setField("ret", (d.optionValue ?? "") as Ret)}
            >
              {RETS.map((r) => (
                <Option key={r.value || "none"} value={r.value} text={t(r.key)}>
                  {t(r.key)}
                </Option>
              ))}
            </Dropdown>
          </Field>
          <TextField
            id="envid"
            label={t("env.envid")}
            hint={t("env.envid.hint")}
            value={form.envid}
            onChange={(v) => setField("envid", v)}
            error={errors.envid}
            show={show("envid")}
            onBlur={() => touch("envid")}
            placeholder="QQ314159"
          />
        </div>
        <Checkbox
          data-testid="field-orcpt"
          label={t("env.orcpt")}
          checked={form.orcpt}
          onChange={(_, d) => setField("orcpt", d.checked === true)}
        />
        <Checkbox
          data-testid="field-forceDsn"
          label={t("env.forceDsn")}
          checked={form.forceDsn}
          onChange={(_, d) => setField("forceDsn", d.checked === true)}
          aria-describedby="force-dsn-hint"
        />
        <Text id="force-dsn-hint" size={200} className={s.hint}>
          {t("env.forceDsn.hint")}
        </Text>
      </fieldset>
      <fieldset className={s.group}>
        <legend className={s.legend}>{t("env.auth")}</legend>
        <div className={s.grid}>
          <Field label={t("env.auth.mech")}>
            <Dropdown
              value={form.authMech || t("env.auth.none")}
              selectedOptions={[form.authMech]}
              onOptionSelect={(_, d) => setField("authMech", d.optionValue ?? "")}
            >
              {MECHS.map((m) => (
                <Option key={m || "none"} value={m} text={m || t("env.auth.none")}>
                  {m || t("env.auth.none")}
                </Option>
              ))}
            </Dropdown>
          </Field>
          {form.authMech && (
            <TextField
              id="authUser"
              label={t("env.auth.user")}
              value={form.authUser}
              onChange={(v) => setField("authUser", v)}
              error={errors.authUser}
              show={show("authUser")}
              onBlur={() => touch("authUser")}
            />
          )}
        </div>
        {form.authMech && (
          <div className={s.grid}>
            <TextField
              id="password"
              type="password"
              label={t("env.auth.password")}
              value={form.password}
              onChange={(v) => setField("password", v)}
              show={false}
              onBlur={() => undefined}
              placeholder={form.remember && profileId ? t("env.auth.remembered") : undefined}
            />
            <Checkbox
              label={t("env.auth.remember")}
              checked={form.remember}
              onChange={(_, d) => setField("remember", Boolean(d.checked))}
            />
            <Checkbox
              data-testid="field-allowPlaintextAuth"
              label={t("env.auth.plaintext")}
              checked={form.allowPlaintextAuth}
              onChange={(_, d) => setField("allowPlaintextAuth", Boolean(d.checked))}
              aria-describedby="auth-tls-hint"
            />
          </div>
        )}
        {form.authMech && (
          <Text id="auth-tls-hint" data-testid="auth-tls-hint" size={200} className={s.hint}>
            {t("env.auth.tlsHint")}
          </Text>
        )}
      </fieldset>
    </div>
  );
}
