// The History tab end to end: two tests run in the real app (one accepted,
// one refused by the loopback receiver) are stored by Go when they finish;
// the History tab lists them, Compare of the two shows the refused
// recipient as worse in the UI language, a run opens as it was stored, and
// delete removes it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, openApp, screenshot } from "./lib/app.mjs";
import { startServers } from "./lib/servers.mjs";

let servers;
before(async () => {
  servers = await startServers();
});
after(() => servers?.stop());

async function clearHistory(page) {
  await page.evaluate(async () => {
    const runs = (await window.go.desktop.History.ListRuns({ limit: 1000 }, "en")) ?? [];
    for (const r of runs) await window.go.desktop.History.DeleteRun(r.id, "en");
  });
}

async function runTest(page, port, to) {
  return page.evaluate(
    ([port, to]) =>
      window.go.desktop.Sessions.StartTest(`h-${Math.random().toString(36).slice(2)}`, {
        lang: "en", mode: "host", host: "127.0.0.1", port, tls: "none", ehlo: "probe.e2e.test",
        from: "admin@e2e.test", to: [to], subject: "history", body: "hi",
      }),
    [port, to],
  );
}

async function history(lang, { locale, tab, compare, worse, meaning }) {
  const b = await launch({ locale });
  try {
    const page = await openApp(b.context);
    await clearHistory(page);
    const ok = await runTest(page, servers.port, "user@e2e.test");
    const bad = await runTest(page, servers.port, "nobody@e2e.test");
    assert.equal(ok.exit_code, 0, JSON.stringify(ok.error));
    assert.equal(bad.exit_code, 1);

    await page.getByTestId("tab-history").click();
    const panel = page.getByTestId("history-panel");
    await panel.waitFor();
    assert.match(await page.getByTestId("tab-history").innerText(), tab);
    const rows = panel.getByTestId("history-row");
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
    for (let i = 0; i < 2; i++) await rows.nth(i).getByRole("checkbox").check();
    await panel.getByRole("button", { name: compare }).click();
    const cmp = page.getByTestId("history-comparison");
    await cmp.waitFor();
    assert.match(await cmp.innerText(), meaning);
    assert.match(await cmp.innerText(), worse);
    await screenshot(page, `${lang}-history-compare`);

    await rows.nth(0).getByRole("button").first().click(); // open
    const opened = page.getByTestId("history-opened");
    await opened.waitFor();
    assert.match(await opened.innerText(), /"exit_code": 1/);
    await screenshot(page, `${lang}-history-opened`);

    await rows.nth(0).getByRole("button").nth(1).click(); // delete
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-row"]').length === 1);
  } finally {
    const page = b.context.pages()[0];
    if (page) await clearHistory(page).catch(() => undefined);
    await b.close();
  }
}

test("History in English: stored runs, Compare, open, delete", async () => {
  await history("en", { locale: "en-US", tab: /History/, compare: "Compare the two picked", worse: /worse/, meaning: /rcpt now fails 550 \(was passes 250\)/ });
});

test("History in Spanish", async () => {
  await history("es", { locale: "es-ES", tab: /Historial/, compare: "Comparar las dos elegidas", worse: /peor/, meaning: /rcpt ahora falla 550 \(antes pasa 250\)/ });
});
