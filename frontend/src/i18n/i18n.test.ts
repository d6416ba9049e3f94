import { describe, expect, it } from "vitest";
import { en } from "./en";
import { es } from "./es";
import { detectLang, translate } from "./index";

describe("i18n", () => {
  it("has every English key in Spanish and no extra ones", () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
  });

  it("has no empty translation", () => {
    for (const [k, v] of Object.entries(es)) expect(v.trim(), k).not.toBe("");
    for (const [k, v] of Object.entries(en)) expect(v.trim(), k).not.toBe("");
  });

  it("keeps the same placeholders in both languages", () => {
    const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join(",");
    for (const k of Object.keys(en) as (keyof typeof en)[]) expect(ph(es[k]), k).toBe(ph(en[k]));
  });

  it("fills placeholders", () => {
    expect(translate("es", "app.version", { version: "1.2.3" })).toBe("Versión 1.2.3");
    expect(translate("en", "app.version", { version: "1.2.3" })).toBe("Version 1.2.3");
  });

  it("detects Spanish from OS locales", () => {
    expect(detectLang(["es-MX", "en-US"])).toBe("es");
    expect(detectLang(["en-GB"])).toBe("en");
    expect(detectLang(["fr-FR"])).toBe("en");
  });
});
