// Shared helpers for the end-to-end tests: a Chromium from Debian's package,
// driven by playwright-core, pointed at the app that `wails dev` serves.
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

export const APP_URL = process.env.E2E_URL ?? "http://localhost:34115";
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? path.resolve("e2e/artifacts");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

// Without the background-networking flags Chromium keeps trying to reach
// Google's services, which this network refuses.
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/**
 * Starts Chromium with a fresh profile folder. Returns the browser context and
 * a close function that also removes the profile.
 */
export async function launch({ locale = "en-US", colorScheme = "light" } = {}) {
  const userDataDir = await mkdtemp(path.join(tmpdir(), "smtpprobe-e2e-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    locale,
    colorScheme,
    viewport: { width: 1280, height: 820 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the app and waits until the Wails bindings are ready. With
 * resetPrefs, language and theme saved by an earlier test are cleared first
 * (the app would otherwise prefer them to the browser's locale) and the
 * first-run card is marked as seen unless firstRun is set.
 */
export async function openApp(context, { resetPrefs = true, firstRun = false } = {}) {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(APP_URL, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => typeof window.go?.desktop?.Info?.Version === "function", null, { timeout: 30000 });
  if (resetPrefs) {
    await page.evaluate((first) => window.go.desktop.Settings.SaveSettings({ lang: "", theme: "", demo_offered: !first }), firstRun);
    await page.reload({ waitUntil: "domcontentloaded" });
    await page.waitForFunction(() => typeof window.go?.desktop?.Info?.Version === "function", null, { timeout: 30000 });
  }
  return page;
}

/** Deletes the profiles whose name starts with prefix (the tests' own, never the user's). */
export async function deleteProfiles(page, prefix) {
  await page.evaluate(async (p) => {
    const list = (await window.go.desktop.Profiles.ListProfiles("en")) ?? [];
    for (const e of list) if (!e.damaged && e.name.startsWith(p)) await window.go.desktop.Profiles.DeleteProfile(e.id, "en");
  }, prefix);
}

/** Saves a full-page screenshot under the artifacts folder. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
