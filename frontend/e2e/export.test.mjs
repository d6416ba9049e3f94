// Export and "Copy as" end to end: run a session with the advanced options
// (a command timeout, BDAT chunking) against the loopback go-smtp server,
// export it as HTML through the app, copy it as a swaks command, and
// screenshot the dialog showing what was copied.
//
// The native save dialog cannot be clicked in a headless browser: the app
// honours SMTPPROBE_E2E_SAVE_DIR (test-only, see SaveDirEnv in
// internal/desktop/hooks.go) and saves under the proposed name in that folder. The
// harness must export it to the app; without it this test is skipped.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
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

test(
  "a session exported as HTML and copied as swaks",
  { skip: SAVE_DIR ? false : "SMTPPROBE_E2E_SAVE_DIR is not set for the app" },
  async () => {
    const b = await launch({ locale: "en-US" });
    try {
      const page = await openApp(b.context);
      await page.getByRole("radio", { name: "A server I type" }).check();
      await page.getByTestId("field-host").fill("127.0.0.1");
      await page.getByTestId("field-port").fill(String(servers.port));
      await page.getByTestId("next").click();
      await page.getByTestId("field-from").fill("admin@fabrikam.test");
      await page.getByTestId("field-to").fill("user@contoso.test");
      await page.getByTestId("next").click();

      // Advanced options start collapsed; a bad duration is flagged inline.
      assert.equal(await page.getByTestId("field-timeoutCommand").count(), 0);
      await page.getByTestId("advanced-toggle").click();
      await page.getByTestId("field-timeoutCommand").fill("20");
      await page.getByText("Write a duration such as 30s, 2m or 1m30s.").waitFor();
      await page.getByTestId("field-timeoutCommand").fill("20s");
      await page.getByTestId("field-chunking").check();
      await screenshot(page, "en-3-message-advanced");

      await page.getByTestId("run").click();
      await page.getByTestId("verdict").waitFor({ timeout: 30000 });
      // RFC 3030: the server offers CHUNKING, so the message went with BDAT.
      await page.getByTestId("transcript-viewport").getByText(/^BDAT \d+ LAST/).first().waitFor();

      const before = new Set(await readdir(SAVE_DIR));
      await page.getByTestId("export-menu").click();
      await page.getByTestId("export-html").click();
      await page.getByTestId("toast-success").getByText(/Saved to .*\.html/).waitFor();
      const added = (await readdir(SAVE_DIR)).filter((f) => !before.has(f));
      assert.equal(added.length, 1, `new files: ${added}`);
      assert.match(added[0], /^smtpprobe-127\.0\.0\.1-\d{8}-\d{6}\.html$/);
      const html = await readFile(path.join(SAVE_DIR, added[0]), "utf8");
      assert.match(html, /^<!doctype html>/i);
      assert.match(html, /RCPT TO:&lt;user@contoso\.test&gt;/);
      assert.match(html, /BDAT/);

      await page.getByTestId("copy-menu").click();
      await page.getByTestId("copy-swaks").click();
      const text = page.getByTestId("copy-text");
      await text.waitFor();
      const cmd = await text.innerText();
      // What swaks cannot do (BDAT here) is a "# note:" line above the command.
      assert.match(cmd, /^# note: swaks cannot send with BDAT/);
      assert.match(cmd, /^swaks /m);
      assert.match(cmd, / --timeout 20s( |$)/m);
      assert.match(cmd, /--server '?127\.0\.0\.1'?/);
      assert.match(cmd, /--to '?user@contoso\.test'?/);
      // The clipboard may be refused in a headless browser; either way the user is told.
      await page.locator('[data-testid="toast-success"], [data-testid="toast-warning"]').first().waitFor();
      await screenshot(page, "en-copy-swaks");
      await page.getByTestId("copy-close").click();
      await text.waitFor({ state: "detached" });
    } finally {
      await b.close();
    }
  },
);

// RFC 3207 against the app's own receiver with TLS on (a self-signed
// certificate): required STARTTLS with "continue when the certificate does
// not verify", and the certificate panel explains the problem.
test("required STARTTLS shows the certificate panel", async () => {
  const b = await launch({ locale: "en-US" });
  try {
    const page = await openApp(b.context);
    const st = await page.evaluate(() => window.go.desktop.Receiver.StartReceiver({ addr: "127.0.0.1:0", tls: true, lang: "en" }));
    try {
      await page.getByRole("radio", { name: "A server I type" }).check();
      await page.getByTestId("field-host").fill("127.0.0.1");
      await page.getByTestId("field-port").fill(String(st.port));
      await page.getByTestId("field-tls").click();
      await page.getByRole("option", { name: "Require STARTTLS" }).click();
      await page.getByTestId("field-insecureSkipVerify").check();
      await page.getByTestId("next").click();
      await page.getByTestId("field-from").fill("admin@fabrikam.test");
      await page.getByTestId("field-to").fill("user@contoso.test");
      await page.getByTestId("next").click();
      await page.getByTestId("run").click();
      await page.getByTestId("verdict").waitFor({ timeout: 30000 });
      const panel = page.getByTestId("cert-panel");
      await panel.waitFor();
      const text = await panel.innerText();
      assert.match(text, /TLS 1\.[23]/);
      assert.match(text, /SHA-256/);
      await page.getByTestId("cert-unverified").waitFor();
      await page.getByTestId("cert-problem").waitFor();
      await panel.scrollIntoViewIfNeeded();
      await screenshot(page, "en-4-certificate");
    } finally {
      await page.evaluate(() => window.go.desktop.Receiver.StopReceiver());
    }
  } finally {
    await b.close();
  }
});
