// The Sender checks page end to end in Chromium against `wails dev` (the
// real Go backend), every lookup going to the miekg/dns server on loopback:
// a clean sender in English, a blocklisted one explained in Spanish.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, openApp, screenshot } from "./lib/app.mjs";
import { startServers } from "./lib/servers.mjs";

let servers;
before(async () => {
  servers = await startServers();
});
after(() => servers?.stop());

async function check(page, ip) {
  await page.getByTestId("tab-sender").click();
  await page.getByTestId("sender-ip").fill(ip);
  await page.getByTestId("sender-helo").fill("mail.contoso.test");
  await page.getByTestId("sender-from").fill("user@contoso.test");
  await page.getByTestId("sender-dns_server").fill(servers.dns);
  await page.getByTestId("sender-check").click();
  await page.getByTestId("sender-findings").waitFor({ timeout: 30000 });
}

test("a clean sender passes reverse DNS, SPF and DMARC (English)", async () => {
  const b = await launch({ locale: "en-US" });
  try {
    const page = await openApp(b.context);
    await check(page, "192.0.2.10");
    for (const id of ["ptr", "helo", "spf", "dmarc", "dnsbl"]) {
      assert.equal(await page.getByTestId(`finding-${id}`).getAttribute("data-status"), "pass", id);
    }
    await page.getByTestId("finding-ptr").getByRole("button").first().click();
    await page.getByText("forward-confirmed", { exact: false }).first().waitFor();
    await screenshot(page, "en-sender");
  } finally {
    await b.close();
  }
});

test("a listed sender is explained in Spanish", async () => {
  const b = await launch({ locale: "es-ES" });
  try {
    const page = await openApp(b.context);
    await check(page, "192.0.2.20");
    const listed = page.getByTestId("finding-dnsbl_listed");
    assert.equal(await listed.getAttribute("data-status"), "fail");
    assert.match(await listed.innerText(), /está listada en zen\.spamhaus\.org/);
    await listed.getByRole("button").first().click();
    await page.getByText("Qué hacer").first().waitFor();
    assert.equal(await page.getByTestId("finding-ptr").getAttribute("data-status"), "fail");
    await screenshot(page, "es-sender");
  } finally {
    await b.close();
  }
});
