// Language and theme are kept in Go's settings file (so they survive a
// reinstall of the WebView) and mirrored in localStorage (so the first frame
// already has them).
import { backend, type Settings } from "../api/backend";
import { langStore, setLang, type Lang } from "../i18n";
import { setTheme, themeStore, type ThemeName } from "../stores/theme";

let saved: Settings | null = null;

/** Reads the settings, applies what the user chose before, and saves later changes. */
export async function loadSettings(): Promise<Settings> {
  let st: Settings;
  try {
    st = await backend.getSettings();
  } catch {
    st = { lang: "", theme: "", demo_offered: false };
  }
  saved = st;
  if ((st.lang === "en" || st.lang === "es") && !localStorage.getItem("smtpprobe.lang")) setLang(st.lang as Lang);
  if (st.theme && !localStorage.getItem("smtpprobe.theme")) setTheme(st.theme as ThemeName);
  const persist = () => {
    const lang = localStorage.getItem("smtpprobe.lang") ?? "";
    const theme = localStorage.getItem("smtpprobe.theme") ?? "";
    if (!saved || (saved.lang === lang && saved.theme === theme)) return;
    saved = { ...saved, lang, theme };
    void backend.saveSettings({ lang, theme, demo_offered: saved.demo_offered }).catch(() => undefined);
  };
  langStore.subscribe(persist);
  themeStore.subscribe(persist);
  return st;
}
