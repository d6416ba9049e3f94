import {
  FluentProvider,
  Tab,
  TabList,
  Text,
  makeStyles,
  teamsHighContrastTheme,
  tokens,
  webDarkTheme,
  webLightTheme,
} from "@fluentui/react-components";
import { AppBar } from "./components/AppBar";
import { useT } from "./i18n";
import { useStore } from "./stores/createStore";
import { themeStore } from "./stores/theme";

const themes = { light: webLightTheme, dark: webDarkTheme, highContrast: teamsHighContrastTheme };

const useStyles = makeStyles({
  root: { height: "100vh", display: "flex", flexDirection: "column", backgroundColor: tokens.colorNeutralBackground2 },
  main: { flexGrow: 1, padding: tokens.spacingHorizontalXL, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
});

/** The application shell: app bar and the wizard. */
export function App() {
  const theme = useStore(themeStore);
  const t = useT();
  const s = useStyles();
  return (
    <FluentProvider theme={themes[theme]}>
      <div className={s.root}>
        <AppBar />
        <main className={s.main}>
          <TabList selectedValue="destination" aria-label={t("app.title")}>
            <Tab value="destination">{t("wizard.step.destination")}</Tab>
            <Tab value="envelope" disabled>
              {t("wizard.step.envelope")}
            </Tab>
            <Tab value="message" disabled>
              {t("wizard.step.message")}
            </Tab>
            <Tab value="run" disabled>
              {t("wizard.step.run")}
            </Tab>
          </TabList>
          <Text>{t("wizard.destination.intro")}</Text>
        </main>
      </div>
    </FluentProvider>
  );
}
