import {
  Button,
  FluentProvider,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Tab,
  TabList,
  makeStyles,
  teamsHighContrastTheme,
  tokens,
  webDarkTheme,
  webLightTheme,
} from "@fluentui/react-components";
import { BeakerRegular, HistoryRegular, MailInboxRegular, SendRegular, ShieldCheckmarkRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import { backend, errorText } from "./api/backend";
import { AppBar } from "./components/AppBar";
import { ProfilesRail } from "./components/ProfilesRail";
import { HistoryPanel } from "./components/HistoryPanel";
import { ReceivePanel } from "./components/ReceivePanel";
import { SenderPanel } from "./components/SenderPanel";
import { TranscriptPane } from "./components/TranscriptPane";
import { Wizard } from "./components/Wizard";
import { langStore, useT } from "./i18n";
import { installDevHooks } from "./lib/devhooks";
import { loadSettings } from "./lib/settings";
import { useStore } from "./stores/createStore";
import { startDemo } from "./stores/demo";
import { profilesStore } from "./stores/profiles";
import { watchReceiver } from "./stores/receiver";
import { themeStore } from "./stores/theme";

const themes = { light: webLightTheme, dark: webDarkTheme, highContrast: teamsHighContrastTheme };

const useStyles = makeStyles({
  root: { height: "100vh", display: "flex", flexDirection: "column", backgroundColor: tokens.colorNeutralBackground2 },
  body: { flexGrow: 1, display: "flex", minHeight: 0 },
  main: {
    flexGrow: 1,
    minWidth: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
  },
  split: { flexGrow: 1, display: "flex", gap: tokens.spacingHorizontalM, minHeight: 0 },
  wizard: { flex: "1 1 62%", minWidth: 0, minHeight: 0 },
  transcript: { flex: "1 1 38%", minWidth: "280px", minHeight: 0 },
});

/** The application shell: app bar, profiles rail, the Test and Receive tabs and the live transcript. */
export function App() {
  const theme = useStore(themeStore);
  const t = useT();
  const s = useStyles();
  const profiles = useStore(profilesStore);
  const [tab, setTab] = useState<"test" | "receive" | "history" | "sender">("test");
  const [step, setStep] = useState(0);
  const [demoOffered, setDemoOffered] = useState(true);
  const [demoError, setDemoError] = useState("");

  useEffect(() => {
    watchReceiver();
    installDevHooks();
    void loadSettings().then((st) => setDemoOffered(st.demo_offered));
    // The window's size and position are remembered: Go reads them from
    // the native window when it settles after a resize.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onResize = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void backend.saveWindowState().catch(() => undefined), 500);
    };
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);

  const dismissDemo = () => {
    setDemoOffered(true);
    void backend.saveSettings({ demo_offered: true, ...currentPrefs() }).catch(() => undefined);
  };

  const tryDemo = async () => {
    setDemoError("");
    try {
      setTab("test");
      dismissDemo();
      await startDemo(langStore.get(), t("demo.profileName"), setStep);
    } catch (e) {
      setDemoError(errorText(e));
    }
  };

  const showDemo = !demoOffered && profiles.loaded && profiles.entries.length === 0;

  return (
    <FluentProvider theme={themes[theme]}>
      <div className={s.root}>
        <AppBar />
        <div className={s.body}>
          <ProfilesRail onOpened={() => { setTab("test"); setStep(0); }} />
          <main className={s.main}>
            <div style={{ display: "flex", alignItems: "center" }}>
              <TabList selectedValue={tab} onTabSelect={(_, d) => setTab(d.value as "test" | "receive" | "history" | "sender")} aria-label={t("app.sections")}>
                <Tab value="test" icon={<SendRegular />}>
                  {t("tab.test")}
                </Tab>
                <Tab value="receive" icon={<MailInboxRegular />} data-testid="tab-receive">
                  {t("tab.receive")}
                </Tab>
                <Tab value="history" icon={<HistoryRegular />} data-testid="tab-history">
                  {t("tab.history")}
                </Tab>
                <Tab value="sender" icon={<ShieldCheckmarkRegular />} data-testid="tab-sender">
                  {t("tab.sender")}
                </Tab>
              </TabList>
              <span style={{ flexGrow: 1 }} />
              <Button appearance="subtle" icon={<BeakerRegular />} onClick={tryDemo} data-testid="demo-button">
                {t("demo.button")}
              </Button>
            </div>
            {showDemo && (
              <MessageBar intent="info" layout="multiline" data-testid="demo-card">
                <MessageBarBody>
                  <MessageBarTitle>{t("demo.title")}</MessageBarTitle>
                  {t("demo.text")}
                </MessageBarBody>
                <MessageBarActions>
                  <Button appearance="primary" onClick={tryDemo}>
                    {t("demo.try")}
                  </Button>
                  <Button onClick={dismissDemo}>{t("action.dismiss")}</Button>
                </MessageBarActions>
              </MessageBar>
            )}
            {demoError && (
              <MessageBar intent="error">
                <MessageBarBody>{demoError}</MessageBarBody>
              </MessageBar>
            )}
            <div className={s.split}>
              {tab === "test" ? (
                <>
                  <div className={s.wizard}>
                    <Wizard step={step} setStep={setStep} />
                  </div>
                  <div className={s.transcript}>
                    <TranscriptPane />
                  </div>
                </>
              ) : tab === "history" ? (
                <div className={s.wizard}>
                  <HistoryPanel />
                </div>
              ) : tab === "receive" ? (
                <div className={s.wizard}>
                  <ReceivePanel />
                </div>
              ) : (
                <div className={s.wizard}>
                  <SenderPanel />
                </div>
              )}
            </div>
          </main>
        </div>
      </div>
    </FluentProvider>
  );
}

function currentPrefs() {
  return { lang: localStorage.getItem("smtpprobe.lang") ?? "", theme: localStorage.getItem("smtpprobe.theme") ?? "" };
}
