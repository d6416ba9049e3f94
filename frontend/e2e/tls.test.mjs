// The TLS and DSN options of the wizard end to end, against the app's real
// Go backend and loopback servers: required STARTTLS (RFC 3207) with a
// self-signed certificate fails with the explanation, then passes once the
// certificate is given as the CA file (picked through the open dialog, which
// the SMTPPROBE_E2E_OPEN_FILE hook answers), and the chain is saved as PEM;
// RET, ENVID and ORCPT (RFC 3461) reach MAIL and RCPT.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { launch, openApp, screenshot } from "./lib/app.mjs";
import { startServers } from "./lib/servers.mjs";

const SAVE_DIR = process.env.SMTPPROBE_E2E_SAVE_DIR ?? "";

let servers;
before(async () => {
  servers = await startServers();
});
after(() => servers?.stop());

async function typedServer(page, port) {
  await page.getByRole("radio", { name: "A server I type" }).check();
  await page.getByTestId("field-host").fill("127.0.0.1");
  await page.getByTestId("field-port").fill(String(port));
}

async function envelope(page) {
  await page.getByTestId("field-from").fill("admin@fabrikam.test");
  await page.getByTestId("field-to").fill("user@contoso.test");
}

test("required STARTTLS: a self-signed certificate fails with the explanation, then verifies with the CA file", async () => {
  assert.ok(servers.ca_file, "the harness sets SMTPPROBE_E2E_OPEN_FILE");
  const b = await launch({ locale: "en-US" });
  try {
    const page = await openApp(b.context);
    await typedServer(page, servers.tls_port);
    await page.getByTestId("field-tls").click();
    await page.getByRole("option", { name: "Require STARTTLS" }).click();
    await page.getByTestId("next").click();
    await envelope(page);
    await page.getByTestId("next").click();
    await page.getByTestId("run").click();
    await page.getByTestId("verdict").waitFor({ timeout: 30000 });
    const problem = page.getByTestId("cert-problem");
    await problem.waitFor();
    assert.match(await problem.innerText(), /self-signed.*CA certificate file field \(--ca-file on the command line\)/s);
    await page.getByTestId("cert-unverified").waitFor();
    await screenshot(page, "en-tls-1-self-signed");

    // A CA file that does not exist is the engine's clear error, nothing is sent.
    await page.getByRole("tab", { name: "1. Destination" }).click();
    await page.getByTestId("tls-advanced-toggle").click();
    await page.getByTestId("field-caFile").fill(path.join(path.dirname(servers.ca_file), "missing.pem"));
    await page.getByTestId("field-caFile").press("Control+Enter");
    const notice = page.getByTestId("notice");
    await notice.waitFor();
    assert.match(await notice.innerText(), /The CA certificate file .*missing\.pem does not exist/);
    // The wizard goes back to the step with the refused field.
    await page.getByTestId("browse-caFile").waitFor();

    // Browse… answers with the receiver's certificate; the minimum version is 1.2.
    await page.getByTestId("browse-caFile").click();
    await page.waitForFunction((want) => document.querySelector('[data-testid="field-caFile"]')?.value === want, servers.ca_file);
    await page.getByTestId("field-tlsMin").click();
    await page.getByRole("option", { name: "TLS 1.2", exact: true }).click();
    await screenshot(page, "en-tls-2-advanced");
    // Ctrl+Enter from a text field (an open dropdown keeps Enter for itself).
    await page.getByTestId("field-caFile").press("Control+Enter");
    await page.getByTestId("cert-verified").waitFor({ timeout: 30000 });
    const verdict = page.getByTestId("verdict");
    assert.match(await verdict.innerText(), /accepted/i);
    assert.equal(await page.getByTestId("cert-problem").count(), 0);

    // Save certificate… writes the chain as PEM (the save hook picks the proposed name).
    await page.getByTestId("cert-save").click();
    const saved = page.getByTestId("cert-saved");
    await saved.waitFor();
    const file = (await saved.innerText()).match(/saved to (.+\.pem)/)?.[1] ?? "";
    assert.equal(path.dirname(file), SAVE_DIR);
    const pem = await readFile(file, "utf8");
    assert.equal(pem, await readFile(servers.ca_file, "utf8"), "the saved chain is the server's certificate");
    await page.getByTestId("cert-panel").scrollIntoViewIfNeeded();
    await screenshot(page, "en-tls-3-verified");
  } finally {
    await b.close();
  }
});

test("the TLS options in Spanish", async () => {
  const b = await launch({ locale: "es-ES" });
  try {
    const page = await openApp(b.context);
    await page.getByRole("radio", { name: "Un servidor que escribo" }).check();
    await page.getByTestId("field-host").fill("mail.contoso.com");
    await page.getByTestId("tls-advanced-toggle").click();
    await page.getByText("Versión mínima de TLS").waitFor();
    await page.getByText(/TLS 1.0 y 1.1 están obsoletos/).waitFor();
    await page.getByTestId("field-insecureSkipVerify").check();
    await page.getByTestId("skip-verify-warning").waitFor();
    await page.getByTestId("field-tlsMin").scrollIntoViewIfNeeded();
    await screenshot(page, "es-tls-advanced");
  } finally {
    await b.close();
  }
});

test("DSN options: RET=HDRS and ENVID on MAIL, ORCPT on RCPT", async () => {
  const b = await launch({ locale: "en-US" });
  try {
    const page = await openApp(b.context);
    await typedServer(page, servers.port);
    await page.getByTestId("next").click();
    await envelope(page);
    await page.getByLabel("Success").check();
    await page.getByTestId("field-ret").click();
    await page.getByRole("option", { name: "Headers only (RET=HDRS)" }).click();
    await page.getByTestId("field-envid").fill("e2e-42");
    await page.getByTestId("field-orcpt").check();
    await screenshot(page, "en-dsn-envelope");
    await page.getByTestId("next").click();
    await page.getByTestId("run").click();
    await page.getByTestId("verdict").waitFor({ timeout: 30000 });
    const transcript = page.getByTestId("transcript-viewport");
    await transcript.getByText(/^MAIL FROM:<admin@fabrikam\.test>.* RET=HDRS ENVID=e2e-42/).first().waitFor();
    await transcript.getByText(/^RCPT TO:<user@contoso\.test>.*NOTIFY=SUCCESS.*ORCPT=rfc822;user@contoso\.test/).first().waitFor();
    // The MAIL step shows the whole command.
    const mail = page.getByTestId("step-mail");
    await mail.getByRole("button").first().click();
    await mail.getByText(/^C: MAIL FROM:<admin@fabrikam\.test>.* RET=HDRS ENVID=e2e-42$/).waitFor();
    await screenshot(page, "en-dsn-result");
  } finally {
    await b.close();
  }
});
