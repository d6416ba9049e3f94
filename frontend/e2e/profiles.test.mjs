// Profiles and the offline demo end to end: save a profile, restart the app
// (a new browser on the same Go backend and profile folder), load and run
// it; and the "Try it with the built-in test server" demo.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { deleteProfiles, launch, openApp, screenshot } from "./lib/app.mjs";
import { startServers } from "./lib/servers.mjs";

const PREFIX = "e2e-";
let servers;
before(async () => {
  servers = await startServers();
});
after(() => servers?.stop());

test("save a profile, restart the app, load it and run it", async () => {
  const name = `${PREFIX}contoso ${Date.now()}`;
  let b = await launch();
  try {
    const page = await openApp(b.context);
    await page.getByRole("radio", { name: "A server I type" }).check();
    await page.getByTestId("field-host").fill("127.0.0.1");
    await page.getByTestId("field-port").fill(String(servers.port));
    await page.getByTestId("next").click();
    await page.getByTestId("field-from").fill("admin@fabrikam.test");
    await page.getByTestId("field-to").fill("user@contoso.test");
    await page.getByTestId("next").click();
    await page.getByTestId("save-profile").click();
    await page.getByTestId("profile-name").fill(name);
    await page.getByTestId("profile-save-confirm").click();
    await page.getByTestId("notice").getByText(name).waitFor();
    await page.getByTestId("profiles-rail").getByText(name).waitFor();
    await screenshot(page, "en-profile-saved");
  } finally {
    await b.close();
  }

  // "Restart": a fresh browser with empty storage; the profile comes from Go.
  b = await launch();
  try {
    const page = await openApp(b.context);
    const item = page.getByTestId("profiles-rail").getByText(name);
    await item.waitFor();
    await item.click();
    assert.equal(await page.getByTestId("field-host").inputValue(), "127.0.0.1");
    assert.equal(await page.getByTestId("field-port").inputValue(), String(servers.port));
    await page.keyboard.press("Control+Enter");
    const verdict = page.getByTestId("verdict");
    await verdict.waitFor({ timeout: 30000 });
    assert.equal(await page.getByTestId("step-data_end").getAttribute("data-status"), "ok");

    // Unsaved changes are not lost silently: switching profiles asks first.
    await page.getByRole("tab", { name: "1. Destination" }).click();
    await page.getByTestId("field-port").fill("2526");
    await page.getByTestId("profile-new").click();
    await page.getByText("Discard unsaved changes?").waitFor();
    await page.getByRole("button", { name: "Cancel" }).click();
    assert.equal(await page.getByTestId("field-port").inputValue(), "2526");
  } finally {
    await deleteProfiles((await b.context.pages())[0], PREFIX);
    await b.close();
  }
});

test("the offline demo runs a whole session against the built-in receiver", async () => {
  const b = await launch();
  try {
    const page = await openApp(b.context);
    await page.getByTestId("demo-button").click();
    const verdict = page.getByTestId("verdict");
    await verdict.waitFor({ timeout: 30000 });
    assert.match(await verdict.innerText(), /accepted/i);
    assert.equal(await page.getByTestId("step-data_end").getAttribute("data-status"), "ok");
    await screenshot(page, "en-demo-result");
    // The message is in the Receive tab.
    await page.getByTestId("tab-receive").click();
    await page.getByTestId("recv-running").waitFor();
    await page.getByTestId("recv-messages").getByText("SMTP Probe demo").first().waitFor();
    await screenshot(page, "en-receive");
    await page.getByTestId("recv-stop").click();
    await page.getByTestId("recv-start").waitFor();
  } finally {
    const page = b.context.pages()[0];
    if (page) await deleteProfiles(page, "Demo");
    await b.close();
  }
});
