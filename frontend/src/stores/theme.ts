import { createStore } from "./createStore";

export type ThemeName = "light" | "dark" | "highContrast";

function initialTheme(): ThemeName {
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem("smtpprobe.theme") : null;
  if (saved === "light" || saved === "dark" || saved === "highContrast") return saved;
  if (typeof matchMedia !== "undefined" && matchMedia("(forced-colors: active)").matches) return "highContrast";
  if (typeof matchMedia !== "undefined" && matchMedia("(prefers-color-scheme: dark)").matches) return "dark";
  return "light";
}

export const themeStore = createStore<ThemeName>(initialTheme());

export function setTheme(t: ThemeName): void {
  themeStore.set(t);
  localStorage.setItem("smtpprobe.theme", t);
}
