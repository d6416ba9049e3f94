// First run end to end: with no saved profile and the demo never offered,
// the "Try it with the built-in test server" card shows; "Try it" runs a
// whole successful session against the built-in receiver and saves the
// demo as a profile; after a reload the card is gone, and it stays gone
// even if the offer is reset, because a profile now exists (App.tsx shows
// it only when the demo was not offered and there are no profiles).
import assert from "node:assert/strict";
import { test } from "node:test";
import { deleteProfiles, launch, openApp, screenshot } from "./lib/app.mjs";

/** The settings and profiles live in the harness's throw-away folder: start from an empty one. */
async function emptyProfileFolder(page) {
  await deleteProfiles(page, "");
  const left = await page.evaluate(async () => (await window.go.desktop.Profiles.ListProfiles("en")) ?? []);
  assert.equal(left.length, 0, `profiles left: ${JSON.stringify(left.map((e) => e.name))}`);
}

async function firstRun(lang, { locale, tryLabel, accepted }) {
  const b = await launch({ locale });
  try {
    let page = await openApp(b.context);
    await emptyProfileFolder(page);
    page = await openApp(b.context, { firstRun: true });
    const card = page.getByTestId("demo-card");
    await card.waitFor();
    await screenshot(page, `${lang}-first-run-card`);

    await card.getByRole("button", { name: tryLabel, exact: true }).click();
    const verdict = page.getByTestId("verdict");
    await verdict.waitFor({ timeout: 30000 });
    assert.match(await verdict.innerText(), accepted);
    for (const step of ["connect", "banner", "ehlo", "mail", "rcpt", "data", "data_end", "quit"]) {
      assert.equal(await page.getByTestId(`step-${step}`).first().getAttribute("data-status"), "ok", `${step} ok`);
    }
    assert.equal(await card.count(), 0, "the card goes once used");
    await page.getByTestId("profiles-rail").getByText("Demo").first().waitFor();
    await screenshot(page, `${lang}-first-run-result`);

    // Reload: the offer was used and a profile exists.
    await page.reload({ waitUntil: "domcontentloaded" });
    await page.getByTestId("profiles-rail").getByText("Demo").first().waitFor();
    assert.equal(await page.getByTestId("demo-card").count(), 0, "no card after a reload");

    // Even with the offer reset, a saved profile keeps the card away.
    await page.evaluate(() => window.go.desktop.Settings.SaveSettings({ lang: "", theme: "", demo_offered: false }));
    await page.reload({ waitUntil: "domcontentloaded" });
    await page.getByTestId("profiles-rail").getByText("Demo").first().waitFor();
    assert.equal(await page.getByTestId("demo-card").count(), 0, "no card while a profile exists");
  } finally {
    const page = b.context.pages()[0];
    if (page) {
      await page.evaluate(() => window.go.desktop.Receiver.StopReceiver()).catch(() => undefined);
      await deleteProfiles(page, "Demo").catch(() => undefined);
    }
    await b.close();
  }
}

test("first run in English: the demo card, a whole session, no card afterwards", async () => {
  await firstRun("en", { locale: "en-US", tryLabel: "Try it", accepted: /accepted/i });
});

test("first run in Spanish", async () => {
  await firstRun("es", { locale: "es-ES", tryLabel: "Probar", accepted: /aceptad/i });
});
