import { Accordion, AccordionHeader, AccordionItem, AccordionPanel, Badge, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { SenderReport } from "../api/backend";
import { useT } from "../i18n";

const useStyles = makeStyles({
  col: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  mono: { fontFamily: "Consolas, 'Cascadia Mono', 'DejaVu Sans Mono', monospace", fontSize: "12px" },
});

const colors = { pass: "success", warning: "warning", fail: "danger", could_not_check: "informative" } as const;

/** The findings of a sender check, each with its status colour and an expandable meaning and actions. */
export function SenderFindings({ report }: { report: SenderReport }) {
  const t = useT();
  const s = useStyles();
  const status = (st: string) => (st in colors ? (st as keyof typeof colors) : "could_not_check");
  return (
    <div className={s.col} data-testid="sender-findings">
      <Text className={s.mono}>{t(`sender.ip.source.${report.ip_source === "server" || report.ip_source === "local" ? report.ip_source : "given"}`, { ip: report.ip })}</Text>
      <Text className={s.mono}>{report.ptr?.length ? t("sender.ptr", { names: report.ptr.join(", ") }) : t("sender.ptr.none")}</Text>
      <Accordion multiple collapsible>
        {report.findings.map((f, i) => (
          <AccordionItem key={`${f.id}-${i}`} value={i} data-testid={`finding-${f.id}`} data-status={f.status}>
            <AccordionHeader>
              <Badge color={colors[status(f.status)]} appearance="filled" style={{ marginRight: tokens.spacingHorizontalS }}>
                {t(`sender.status.${status(f.status)}`)}
              </Badge>
              {f.summary}
            </AccordionHeader>
            <AccordionPanel>
              <p>{f.meaning}</p>
              {f.consequence && <p>{t("sender.consequence", { text: f.consequence })}</p>}
              {f.actions?.length > 0 && (
                <>
                  <Text weight="semibold">{t("sender.actions")}</Text>
                  <ul>
                    {f.actions.map((a) => (
                      <li key={a}>{a}</li>
                    ))}
                  </ul>
                </>
              )}
            </AccordionPanel>
          </AccordionItem>
        ))}
      </Accordion>
    </div>
  );
}
