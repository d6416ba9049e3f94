import { useCallback } from "react";
import { createStore, useStore } from "../stores/createStore";
import { en, type MessageKey } from "./en";
import { es } from "./es";

export type Lang = "en" | "es";
export type { MessageKey };

const catalogs: Record<Lang, Record<MessageKey, string>> = { en, es };

/** Picks Spanish when the OS/browser language is Spanish, English otherwise. */
export function detectLang(languages: readonly string[] = navigator.languages ?? [navigator.language]): Lang {
  for (const l of languages) {
    const base = l.toLowerCase().split(/[-_]/)[0];
    if (base === "es") return "es";
    if (base === "en") return "en";
  }
  return "en";
}

const stored = typeof localStorage !== "undefined" ? localStorage.getItem("smtpprobe.lang") : null;
export const langStore = createStore<Lang>(stored === "es" || stored === "en" ? stored : detectLang());

export function setLang(l: Lang): void {
  langStore.set(l);
  localStorage.setItem("smtpprobe.lang", l);
  document.documentElement.lang = l;
}

/** Formats a message, replacing {name} placeholders with params. */
export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const template = catalogs[lang][key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Returns a translate function bound to the current language. */
export function useT(): (key: MessageKey, params?: Record<string, string | number>) => string {
  const lang = useStore(langStore);
  return useCallback((key, params) => translate(lang, key, params), [lang]);
}

export { catalogs };
