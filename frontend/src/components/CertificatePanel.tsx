import {
  Badge,
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ArrowDownloadRegular } from "@fluentui/react-icons";
import { useState } from "react";
import { backend, errorText } from "../api/backend";
import type { TLSReport } from "../api/types";
import { langStore, useT } from "../i18n";
import { useStore } from "../stores/createStore";
import { pick } from "./RunStep";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  head: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center", flexWrap: "wrap" },
  cert: { display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: tokens.spacingHorizontalM, rowGap: "2px", margin: 0 },
  dt: { fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground2 },
  dd: { margin: 0, overflowWrap: "anywhere", fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  certTitle: { fontWeight: tokens.fontWeightSemibold, marginTop: tokens.spacingVerticalS },
  save: { marginLeft: "auto" },
});

/**
 * The certificate panel: TLS version, cipher, the chain (leaf first), the
 * problem in plain words and "Save certificate…" (the chain as PEM, written
 * in Go from the result of session sessionId, run hostIndex).
 */
export function CertificatePanel({
  report,
  host,
  sessionId = "",
  hostIndex = 0,
}: {
  report: TLSReport;
  host?: string;
  sessionId?: string;
  hostIndex?: number;
}) {
  const t = useT();
  const s = useStyles();
  const lang = useStore(langStore);
  const chain = report.chain ?? [];
  const [saved, setSaved] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async () => {
    try {
      const path = await backend.saveCertificate(sessionId, hostIndex);
      setSaved(path ? { ok: true, text: t("cert.saved", { path }) } : null);
    } catch (e) {
      setSaved({ ok: false, text: errorText(e) });
    }
  };
  const date = (v: string) => (v ? new Date(v).toLocaleDateString(lang) : "");
  return (
    <section className={s.root} aria-label={t("cert.title")} data-testid="cert-panel">
      <div className={s.head}>
        <Text weight="semibold">{host ? `${t("cert.title")} — ${host}` : t("cert.title")}</Text>
        {report.verified ? (
          <Badge color="success" data-testid="cert-verified">{t("cert.verified")}</Badge>
        ) : (
          <Badge color="danger" data-testid="cert-unverified">{t("cert.unverified")}</Badge>
        )}
        {report.skip_verify && <Badge color="warning">{t("cert.skipped")}</Badge>}
        {sessionId && chain.length > 0 && (
          <Button
            className={s.save}
            size="small"
            icon={<ArrowDownloadRegular />}
            onClick={() => void save()}
            aria-label={t("cert.saveLabel")}
            data-testid="cert-save"
          >
            {t("cert.save")}
          </Button>
        )}
      </div>
      {saved && (
        <MessageBar intent={saved.ok ? "success" : "error"} layout="multiline" data-testid={saved.ok ? "cert-saved" : "cert-save-error"}>
          <MessageBarBody>{saved.text}</MessageBarBody>
        </MessageBar>
      )}
      <Text>
        {[report.version, report.cipher_suite].filter(Boolean).join(" · ")}
        {report.server_name ? ` · ${t("cert.checkedAgainst", { name: report.server_name })}` : ""}
      </Text>
      {report.problem && (
        <MessageBar intent="warning" layout="multiline" data-testid="cert-problem">
          <MessageBarBody>
            <MessageBarTitle>{t("cert.problem")}</MessageBarTitle>
            {pick(lang, report.problem)}
          </MessageBarBody>
        </MessageBar>
      )}
      {chain.map((c, i) => (
        <div key={i}>
          <Text className={s.certTitle} as="p">
            {i === 0 ? t("cert.leaf") : t("cert.intermediate", { n: i })}
          </Text>
          <dl className={s.cert}>
            <dt className={s.dt}>{t("cert.subject")}</dt>
            <dd className={s.dd}>{c.subject}</dd>
            <dt className={s.dt}>{t("cert.issuer")}</dt>
            <dd className={s.dd}>{c.issuer}</dd>
            {(c.sans ?? []).length > 0 && (
              <>
                <dt className={s.dt}>{t("cert.sans")}</dt>
                <dd className={s.dd}>{(c.sans ?? []).join(", ")}</dd>
              </>
            )}
            <dt className={s.dt}>{t("cert.valid")}</dt>
            <dd className={s.dd} data-testid="cert-expiry">
              {t("cert.validRange", { from: date(c.not_before), to: date(c.not_after) })}{" "}
              {c.days_to_expiry < 0 ? t("cert.expired") : t("cert.daysLeft", { n: c.days_to_expiry })}
            </dd>
            <dt className={s.dt}>{t("cert.key")}</dt>
            <dd className={s.dd}>{c.key_bits ? `${c.key_type} ${c.key_bits}` : c.key_type}</dd>
            <dt className={s.dt}>SHA-256</dt>
            <dd className={s.dd}>{c.sha256}</dd>
          </dl>
        </div>
      ))}
    </section>
  );
}
