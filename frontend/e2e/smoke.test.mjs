// Smoke test: the real app loads in Chromium, calls a bound Go method and
// shows its result.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, openApp, screenshot } from "./lib/app.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("the page loads and shows the version from the Go backend", async () => {
  const page = await openApp(browser.context);
  const version = await page.evaluate(() => window.go.desktop.Info.Version());
  assert.match(version, /^\d+\.\d+\.\d+/, "Version() returns a semantic version");
  const shown = page.getByTestId("app-version");
  await shown.waitFor({ state: "visible" });
  await page.waitForFunction((v) => document.querySelector('[data-testid="app-version"]')?.textContent === `Version ${v}`, version);
  assert.equal(await page.title(), "SMTP Probe");
  assert.equal(await page.getByText("Wails", { exact: false }).count(), 0, "no template leftovers");
  await screenshot(page, "smoke-home");
});
