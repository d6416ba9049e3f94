import { Dropdown, Option, Text, makeStyles, tokens } from "@fluentui/react-components";
import { MailRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import { backend } from "../api/backend";
import { langStore, setLang, useT, type Lang } from "../i18n";
import { useStore } from "../stores/createStore";
import { setTheme, themeStore, type ThemeName } from "../stores/theme";

const useStyles = makeStyles({
  bar: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  title: { color: tokens.colorNeutralForegroundOnBrand, fontWeight: tokens.fontWeightSemibold },
  sub: { color: tokens.colorNeutralForegroundOnBrand, opacity: 0.85 },
  spacer: { flexGrow: 1 },
  picker: { minWidth: "140px" },
});

/** The top bar: product name, version from the Go backend, language and theme. */
export function AppBar() {
  const t = useT();
  const s = useStyles();
  const lang = useStore(langStore);
  const theme = useStore(themeStore);
  const [version, setVersion] = useState<string>("");

  useEffect(() => {
    let live = true;
    backend
      .version()
      .then((v) => live && setVersion(v))
      .catch(() => live && setVersion("?"));
    return () => {
      live = false;
    };
  }, []);

  const themeLabels: Record<ThemeName, string> = {
    light: t("theme.light"),
    dark: t("theme.dark"),
    highContrast: t("theme.highContrast"),
  };

  return (
    <header className={s.bar} role="banner">
      <MailRegular fontSize={24} aria-hidden />
      <Text size={500} className={s.title}>
        {t("app.title")}
      </Text>
      <Text size={200} className={s.sub} data-testid="app-version">
        {version ? t("app.version", { version }) : ""}
      </Text>
      <span className={s.spacer} />
      <Dropdown
        className={s.picker}
        aria-label={t("app.language")}
        value={t(lang === "es" ? "lang.es" : "lang.en")}
        selectedOptions={[lang]}
        onOptionSelect={(_, d) => d.optionValue && setLang(d.optionValue as Lang)}
      >
        <Option value="en">{t("lang.en")}</Option>
        <Option value="es">{t("lang.es")}</Option>
      </Dropdown>
      <Dropdown
        className={s.picker}
        aria-label={t("app.theme")}
        value={themeLabels[theme]}
        selectedOptions={[theme]}
        onOptionSelect={(_, d) => d.optionValue && setTheme(d.optionValue as ThemeName)}
      >
        <Option value="light">{themeLabels.light}</Option>
        <Option value="dark">{themeLabels.dark}</Option>
        <Option value="highContrast">{themeLabels.highContrast}</Option>
      </Dropdown>
    </header>
  );
}
