// The wizard end to end in Chromium against `wails dev` (the real Go
// backend), with a go-smtp receiver and a miekg/dns server on loopback:
// MX lookup, a full successful run, a rejected recipient explained in
// Spanish, the dark theme and cancel mid-session.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, openApp, screenshot } from "./lib/app.mjs";
import { startServers } from "./lib/servers.mjs";

let servers;
before(async () => {
  servers = await startServers();
});
after(() => servers?.stop());

/** Fills the wizard up to the Message step, looking the MX up through the test DNS server. */
async function fillWizard(page, { to, shots }) {
  await page.getByTestId("field-domain").fill("contoso.test");
  await page.getByTestId("field-dnsServer").fill(servers.dns);
  await page.getByTestId("field-port").fill(String(servers.port));
  await page.getByTestId("lookup-mx").click();
  const table = page.getByTestId("mx-table");
  await table.waitFor();
  await page.getByText("mx1.contoso.test").waitFor();
  if (shots) await screenshot(page, `${shots}-1-destination`);
  await page.getByTestId("next").click();
  await page.getByTestId("field-from").fill("admin@fabrikam.test");
  await page.getByTestId("field-to").fill(to.join("\n"));
  if (shots) await screenshot(page, `${shots}-2-envelope`);
  await page.getByTestId("next").click();
  await page.getByTestId("field-subject").fill("Prueba de flujo de correo");
  if (shots) await screenshot(page, `${shots}-3-message`);
}

test("MX lookup lists the hosts by preference with their addresses", async () => {
  const b = await launch();
  try {
    const page = await openApp(b.context);
    await page.getByTestId("field-domain").fill("contoso.test");
    await page.getByTestId("field-dnsServer").fill(servers.dns);
    await page.getByTestId("lookup-mx").click();
    const rows = page.getByTestId("mx-table").locator("tbody tr");
    await page.getByText("mx2.contoso.test").waitFor();
    const text = await rows.allInnerTexts();
    const i1 = text.findIndex((r) => r.includes("mx1.contoso.test"));
    const i2 = text.findIndex((r) => r.includes("mx2.contoso.test"));
    assert.ok(i1 >= 0 && i2 > i1, `mx1 (10) before mx2 (20): ${JSON.stringify(text)}`);
    assert.match(text[i1], /10/);
    assert.match(text[i1], /127\.0\.0\.1/);

    // A null MX (RFC 7505) is an explained error, not an empty table.
    await page.getByTestId("field-domain").fill("null.test");
    await page.getByTestId("lookup-mx").click();
    const err = page.getByTestId("mx-error");
    await err.waitFor();
    assert.match(await err.innerText(), /null MX|7505|no mail/i);

    // Inline validation while typing: a CR/LF or a bad label is flagged at once.
    await page.getByTestId("field-domain").fill("bad_domain!.test");
    await page.getByText("Only letters, digits, hyphens and dots.").waitFor();
  } finally {
    await b.close();
  }
});

test("a full successful run through the wizard, with screenshots of each step", async () => {
  const b = await launch({ locale: "en-US" });
  try {
    const page = await openApp(b.context);
    await fillWizard(page, { to: ["user@contoso.test"], shots: "en" });
    await page.getByTestId("run").click();
    const verdict = page.getByTestId("verdict");
    await verdict.waitFor({ timeout: 30000 });
    for (const step of ["connect", "banner", "ehlo", "mail", "rcpt", "data", "data_end", "quit"]) {
      const row = page.getByTestId(`step-${step}`).first();
      assert.equal(await row.getAttribute("data-status"), "ok", `${step} ok`);
    }
    // The live transcript holds both directions, in order.
    const transcript = page.getByTestId("transcript-viewport");
    await transcript.getByText("RCPT TO:<user@contoso.test>").first().waitFor();
    assert.ok((await transcript.locator('[data-dir="S"]').count()) > 3);
    // Expand the RCPT step: meaning, causes/actions come from the evaluator.
    await page.getByTestId("step-rcpt").getByRole("button").first().click();
    await page.getByText("What it means").first().waitFor();
    await page.getByTestId("waterfall").waitFor();
    await screenshot(page, "en-4-result");
  } finally {
    await b.close();
  }
});

test("a rejected recipient (550 5.1.1) is explained in Spanish", async () => {
  const b = await launch({ locale: "es-ES" });
  try {
    const page = await openApp(b.context);
    await page.getByText("Buscar MX").waitFor();
    await fillWizard(page, { to: ["nobody@contoso.test", "user@contoso.test"], shots: "es" });
    await page.getByTestId("run").click();
    await page.getByTestId("verdict").waitFor({ timeout: 30000 });
    const rejected = page.getByTestId("step-rcpt").first();
    assert.equal(await rejected.getAttribute("data-status"), "failed");
    const head = await rejected.innerText();
    assert.match(head, /550 5\.1\.1/);
    await rejected.getByRole("button").first().click();
    await page.getByText("Qué significa").first().waitFor();
    const panel = await rejected.innerText();
    assert.match(panel, /destinatario|buzón|dirección/i, `Spanish explanation: ${panel}`);
    await screenshot(page, "es-4-result");
  } finally {
    await b.close();
  }
});

test("every MX: one run per host and a host × step grid", async () => {
  const b = await launch();
  try {
    const page = await openApp(b.context);
    await page.getByRole("radio", { name: "Test every MX" }).check();
    await page.getByTestId("field-domain").fill("contoso.test");
    await page.getByTestId("field-dnsServer").fill(servers.dns);
    await page.getByTestId("field-port").fill(String(servers.port));
    await page.getByTestId("next").click();
    await page.getByTestId("field-from").fill("admin@fabrikam.test");
    await page.getByTestId("field-to").fill("user@contoso.test");
    await page.getByTestId("next").click();
    // Verify recipients only: nothing is delivered (stop after RCPT).
    await page.getByTestId("field-stopAfter").click();
    await page.getByRole("option", { name: "Verify recipients only — send nothing" }).click();
    await page.getByTestId("run").click();
    const grid = page.getByTestId("host-grid");
    await page.getByTestId("verdict").waitFor({ timeout: 30000 });
    await grid.waitFor();
    const rows = await grid.locator("tbody tr").allInnerTexts();
    assert.equal(rows.length, 2, JSON.stringify(rows));
    assert.match(rows[0], /mx1\.contoso\.test/);
    assert.match(rows[1], /mx2\.contoso\.test/);
    assert.equal(await page.getByTestId("step-data").count(), 0, "no DATA when verifying recipients only");
    await screenshot(page, "en-every-mx");
  } finally {
    await b.close();
  }
});

// While an every-MX run is still going, the grid already names each host:
// slow.test has one MX that answers and one that never greets, so the run
// stays open until Esc, whatever the timing.
test("every MX: the live grid names the hosts while the run goes", async () => {
  const b = await launch();
  try {
    const page = await openApp(b.context);
    await page.getByRole("radio", { name: "Test every MX" }).check();
    await page.getByTestId("field-domain").fill("slow.test");
    await page.getByTestId("field-dnsServer").fill(servers.dns);
    await page.getByTestId("field-port").fill(String(servers.port));
    await page.getByTestId("next").click();
    await page.getByTestId("field-from").fill("admin@fabrikam.test");
    await page.getByTestId("field-to").fill("user@contoso.test");
    await page.getByTestId("next").click();
    await page.getByTestId("run").click();
    const grid = page.getByTestId("host-grid");
    await grid.getByText("mx2.slow.test").waitFor({ timeout: 30000 });
    await grid.getByText("mx1.slow.test").waitFor();
    // mx1 finishes, mx2 waits for its greeting: the run is still going.
    await page.getByTestId("step-quit").first().waitFor({ timeout: 30000 });
    assert.equal(await page.getByTestId("cancel").count(), 1, "still running");
    const rows = await grid.locator("tbody tr").allInnerTexts();
    assert.ok(!rows.some((r) => /#\d/.test(r)), `no placeholder keys: ${JSON.stringify(rows)}`);
    await page.getByRole("region", { name: "mx2.slow.test" }).waitFor();
    await screenshot(page, "en-every-mx-live");
    await page.keyboard.press("Escape");
    await page.getByTestId("run-canceled").waitFor({ timeout: 10000 });
  } finally {
    await b.close();
  }
});

test("the dark and high-contrast themes: each step and the result", async () => {
  const b = await launch({ colorScheme: "dark" });
  try {
    const page = await openApp(b.context);
    await fillWizard(page, { to: ["nobody@contoso.test", "user@contoso.test"], shots: "dark" });
    await page.getByTestId("run").click();
    await page.getByTestId("verdict").waitFor({ timeout: 30000 });
    await screenshot(page, "dark-4-result");
    // High contrast, chosen in the app bar.
    await page.getByRole("combobox", { name: "Theme" }).click();
    await page.getByRole("option", { name: "High contrast" }).click();
    await page.waitForFunction(() => document.querySelector('[role="combobox"][aria-label="Theme"]')?.textContent?.includes("High contrast"));
    await screenshot(page, "highcontrast-4-result");
  } finally {
    await b.close();
  }
});

test("Esc cancels a session stuck waiting for the banner", async () => {
  const b = await launch();
  try {
    const page = await openApp(b.context);
    await page.getByRole("radio", { name: "A server I type" }).check();
    await page.getByTestId("field-host").fill("127.0.0.1");
    await page.getByTestId("field-port").fill(String(servers.tarpit));
    await page.getByTestId("field-host").press("Enter");
    await page.getByTestId("field-from").fill("admin@fabrikam.test");
    await page.getByTestId("field-to").fill("user@contoso.test");
    // Ctrl+Enter runs from anywhere in the wizard.
    await page.getByTestId("field-from").press("Control+Enter");
    await page.getByTestId("cancel").waitFor();
    await page.getByTestId("step-banner").waitFor();
    const t0 = Date.now();
    await page.keyboard.press("Escape");
    await page.getByTestId("run-canceled").waitFor({ timeout: 10000 });
    const ms = Date.now() - t0;
    assert.ok(ms < 5000, `cancel took ${ms} ms`);
    assert.equal(await page.getByTestId("step-banner").getAttribute("data-status"), "failed");
    await screenshot(page, "en-cancelled");
  } finally {
    await b.close();
  }
});
