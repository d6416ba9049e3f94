import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Tab,
  TabList,
  Toolbar,
  ToolbarButton,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import {
  ArrowClockwiseRegular,
  ArrowLeftRegular,
  ArrowRightRegular,
  DismissRegular,
  PlayRegular,
  SaveRegular,
} from "@fluentui/react-icons";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { backend, errorText } from "../api/backend";
import { useT, type MessageKey } from "../i18n";
import { useStore } from "../stores/createStore";
import { firstInvalidStep, formStore, formToProfile, markSaved, validateStep } from "../stores/form";
import { refreshProfiles } from "../stores/profiles";
import { cancelRun, runTest } from "../stores/run";
import { sessionStore } from "../stores/session";
import { DestinationStep } from "./DestinationStep";
import { EnvelopeStep } from "./EnvelopeStep";
import { MessageStep } from "./MessageStep";
import { RunStep } from "./RunStep";
import { ShareActions } from "./ShareActions";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", minHeight: 0, height: "100%", gap: tokens.spacingVerticalS },
  card: {
    flexGrow: 1,
    overflow: "auto",
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
    padding: tokens.spacingHorizontalXL,
  },
  footer: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center", flexWrap: "wrap" },
  spacer: { flexGrow: 1 },
});

const STEPS: MessageKey[] = ["wizard.step.destination", "wizard.step.envelope", "wizard.step.message", "wizard.step.run"];


/** The four-step test wizard with its actions. Enter advances, Ctrl+Enter runs, Esc cancels. */
export function Wizard({ step, setStep }: { step: number; setStep: (n: number) => void }) {
  const t = useT();
  const s = useStyles();
  const { form, profileId, profileName, dirty } = useStore(formStore);
  const ses = useStore(sessionStore);
  const [showAll, setShowAll] = useState(false);
  const [defaultEHLO, setDefaultEHLO] = useState("localhost");
  const [saveOpen, setSaveOpen] = useState(false);
  const [saveName, setSaveName] = useState("");
  const [notice, setNotice] = useState<{ intent: "success" | "error" | "warning"; text: string } | null>(null);
  const running = ses.status === "running";

  useEffect(() => {
    backend.defaultEHLO().then(setDefaultEHLO, () => undefined);
  }, []);

  const next = () => {
    if (Object.keys(validateStep(step, form)).length > 0) {
      setShowAll(true);
      return;
    }
    setShowAll(false);
    setStep(Math.min(step + 1, 3));
  };

  const run = async () => {
    if (running) return;
    const bad = firstInvalidStep(form);
    if (bad >= 0) {
      setStep(bad);
      setShowAll(true);
      return;
    }
    setNotice(null);
    setStep(3);
    const r = await runTest(form);
    if (r?.field_errors && Object.keys(r.field_errors).length > 0) {
      setNotice({ intent: "error", text: Object.values(r.field_errors).join(" ") });
      // Back to the step holding the refused field, so it can be fixed there.
      const steps = Object.keys(r.field_errors).map(fieldStep).filter((n) => n >= 0);
      if (steps.length > 0) setStep(Math.min(...steps));
    }
  };

  // Ctrl+Enter and Esc work wherever the focus is (after Run the focused
  // field is gone, and focus falls back to the page).
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  });
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.defaultPrevented) return;
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void runRef.current();
      } else if (e.key === "Escape" && sessionStore.get().status === "running") {
        e.preventDefault();
        cancelRun();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (e.key === "Enter" && !e.ctrlKey && !e.metaKey && target.tagName === "INPUT" && step < 3) {
      // Enter in a text box moves on, as in a classic Windows wizard;
      // in a multi-line box it still makes a new line.
      e.preventDefault();
      if (step === 2) void run();
      else next();
    }
  };

  const save = async () => {
    const name = saveName.trim();
    if (!name) return;
    try {
      const base = profileId && name === profileName ? await backend.getProfile(profileId) : {};
      const p = formToProfile(form, base, name);
      const secret = form.authMech && form.remember ? form.password : "";
      const saved = await backend.saveProfile(p, secret);
      markSaved(saved.profile.id, saved.profile.name);
      setNotice(
        saved.warning
          ? { intent: "warning", text: saved.warning }
          : { intent: "success", text: t("profile.saved", { name: saved.profile.name }) },
      );
      setSaveOpen(false);
      await refreshProfiles();
    } catch (e) {
      setNotice({ intent: "error", text: errorText(e) });
      setSaveOpen(false);
    }
  };

  return (
    <div className={s.root} onKeyDown={onKeyDown}>
      <TabList
        selectedValue={step}
        onTabSelect={(_, d) => setStep(d.value as number)}
        aria-label={t("wizard.steps")}
        data-testid="wizard-steps"
      >
        {STEPS.map((k, i) => (
          <Tab key={k} value={i}>
            {`${i + 1}. ${t(k)}`}
          </Tab>
        ))}
      </TabList>
      {notice && (
        <MessageBar intent={notice.intent} data-testid="notice">
          <MessageBarBody>{notice.text}</MessageBarBody>
          <MessageBarActions
            containerAction={<Button appearance="transparent" icon={<DismissRegular />} aria-label={t("action.dismiss")} onClick={() => setNotice(null)} />}
          />
        </MessageBar>
      )}
      <div className={s.card} role="region" aria-label={t(STEPS[step] ?? "wizard.steps")}>
        {step === 0 && <DestinationStep showAll={showAll} />}
        {step === 1 && <EnvelopeStep showAll={showAll} defaultEHLO={defaultEHLO} />}
        {step === 2 && <MessageStep showAll={showAll} />}
        {step === 3 && <RunStep />}
      </div>
      <div className={s.footer}>
        {step > 0 && step < 3 && (
          <Button icon={<ArrowLeftRegular />} onClick={() => setStep(step - 1)}>
            {t("action.back")}
          </Button>
        )}
        <span className={s.spacer} />
        <Toolbar aria-label={t("wizard.actions")}>
          <ToolbarButton icon={<SaveRegular />} onClick={() => { setSaveName(profileName || form.domain || form.host || t("profile.untitled")); setSaveOpen(true); }} data-testid="save-profile">
            {dirty || !profileId ? t("action.saveProfile") : t("action.saved")}
          </ToolbarButton>
          <ShareActions sessionId={step === 3 && ses.status !== "running" && (ses.result?.runs ?? []).length > 0 ? ses.id : ""} />
        </Toolbar>
        {step < 2 && (
          <Button appearance="primary" icon={<ArrowRightRegular />} iconPosition="after" onClick={next} data-testid="next">
            {t("action.next")}
          </Button>
        )}
        {running ? (
          <Button icon={<DismissRegular />} onClick={cancelRun} data-testid="cancel">
            {t("action.cancel")}
          </Button>
        ) : step >= 2 ? (
          <Button
            appearance="primary"
            icon={ses.status === "idle" ? <PlayRegular /> : <ArrowClockwiseRegular />}
            onClick={run}
            data-testid="run"
          >
            {ses.status === "idle" || step < 3 ? t("action.run") : t("action.runAgain")}
          </Button>
        ) : null}
      </div>
      <Dialog open={saveOpen} onOpenChange={(_, d) => setSaveOpen(d.open)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{t("profile.saveTitle")}</DialogTitle>
            <DialogContent>
              <Field label={t("profile.name")} required>
                <Input
                  value={saveName}
                  data-testid="profile-name"
                  onChange={(_, d) => setSaveName(d.value)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter") {
                      e.preventDefault();
                      e.stopPropagation();
                      void save();
                    }
                  }}
                />
              </Field>
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setSaveOpen(false)}>{t("action.cancel")}</Button>
              <Button appearance="primary" onClick={save} disabled={!saveName.trim()} data-testid="profile-save-confirm">
                {t("action.save")}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </div>
  );
}

const STEP_FIELDS: string[][] = [
  ["mode", "domain", "dnsServer", "host", "port", "tls", "caFile", "tlsMin"],
  ["ehlo", "from", "to", "notify", "ret", "envid", "authMech", "authUser", "password"],
  ["subject", "body", "headers", "stopAfter"],
];

/** The wizard step of a field Go refused (field names as internal/desktop/sessions.go's wizardField gives them); -1 when unknown. */
export function fieldStep(field: string): number {
  if (field.startsWith("timeout") || field.startsWith("header")) return 2;
  return STEP_FIELDS.findIndex((fs) => fs.includes(field));
}
