import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

const app = vi.hoisted(() => ({
  ExportResult: vi.fn(),
  CopyAsSwaks: vi.fn(),
  CopyAsTelnet: vi.fn(),
}));
const runtime = vi.hoisted(() => ({ ClipboardSetText: vi.fn(), EventsOn: vi.fn() }));
vi.mock("../../wailsjs/go/desktop/Exports", () => app);
vi.mock("../../wailsjs/runtime/runtime", () => runtime);

import { setLang } from "../i18n";
import { emptyForm, resetForm } from "../stores/form";
import { closeCopied } from "../stores/share";
import { ShareActions } from "./ShareActions";

const SECRET = "Sentinel-P4ss-7f3a";

function show(sessionId = "") {
  return render(
    <FluentProvider theme={webLightTheme}>
      <ShareActions sessionId={sessionId} />
    </FluentProvider>,
  );
}

async function pick(menu: string, item: string) {
  fireEvent.click(screen.getByTestId(menu));
  fireEvent.click(await screen.findByTestId(item));
}

describe("ShareActions", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    closeCopied();
    setLang("en");
    resetForm({ ...emptyForm, host: "smtp.contoso.test", mode: "host", to: "user@contoso.test", authMech: "PLAIN", authUser: "admin", password: SECRET, remember: true });
  });

  it("copies the swaks command built in Go, never sending the password there, and shows it", async () => {
    app.CopyAsSwaks.mockResolvedValue("swaks --server smtp.contoso.test --auth-password '<PASSWORD>'");
    runtime.ClipboardSetText.mockResolvedValue(true);
    show();
    await pick("copy-menu", "copy-swaks");
    await screen.findByTestId("copy-dialog");
    const sent = JSON.stringify(app.CopyAsSwaks.mock.calls[0]?.[0]);
    expect(sent).toContain("smtp.contoso.test");
    expect(sent).toContain("admin");
    expect(sent).not.toContain(SECRET);
    expect(runtime.ClipboardSetText).toHaveBeenCalledWith("swaks --server smtp.contoso.test --auth-password '<PASSWORD>'");
    expect(screen.getByTestId("copy-text")).toHaveTextContent("--auth-password '<PASSWORD>'");
    expect(await screen.findByText("swaks command copied to the clipboard.")).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("copy-close"));
    await waitFor(() => expect(screen.queryByTestId("copy-dialog")).toBeNull());
  });

  it("asks Go for the telnet script in the UI language and says so when the clipboard fails", async () => {
    setLang("es");
    app.CopyAsTelnet.mockResolvedValue("# guion\nEHLO pc01\nQUIT");
    runtime.ClipboardSetText.mockResolvedValue(false);
    show();
    await pick("copy-menu", "copy-telnet");
    await screen.findByTestId("copy-dialog");
    expect(app.CopyAsTelnet.mock.calls[0]?.[1]).toBe("es");
    const failed = "El portapapeles no está disponible: seleccione el texto de abajo y cópielo a mano.";
    expect((await screen.findAllByText(failed)).length).toBeGreaterThan(0);
    expect(screen.getByTestId("copy-text").textContent).toBe("# guion\nEHLO pc01\nQUIT");
  });

  it("shows the error Go explains when the form cannot be copied", async () => {
    app.CopyAsSwaks.mockRejectedValue("The message is too large to copy as a command (over 10485760 bytes).");
    show();
    await pick("copy-menu", "copy-swaks");
    expect(await screen.findByText(/too large to copy/)).toBeInTheDocument();
    expect(runtime.ClipboardSetText).not.toHaveBeenCalled();
    expect(screen.queryByTestId("copy-dialog")).toBeNull();
  });

  it("offers Export only once a session has a result", () => {
    show("");
    expect(screen.queryByTestId("export-menu")).toBeNull();
  });

  it.each(["text", "html", "json", "raw"])("exports %s by session id, not by content", async (format) => {
    setLang("en");
    app.ExportResult.mockResolvedValue(`/tmp/out/smtpprobe-mx-20260101-120000.${format}`);
    show("sess-1");
    await pick("export-menu", `export-${format}`);
    // The UI language goes with the call: Go writes its errors in it.
    expect(app.ExportResult).toHaveBeenCalledWith("sess-1", format, "en");
    expect(await screen.findByText(`Saved to /tmp/out/smtpprobe-mx-20260101-120000.${format}.`)).toBeInTheDocument();
  });

  it("says nothing when the save dialog was cancelled, and shows Go's error otherwise", async () => {
    app.ExportResult.mockResolvedValueOnce("");
    show("sess-2");
    await pick("export-menu", "export-html");
    await waitFor(() => expect(app.ExportResult).toHaveBeenCalled());
    expect(screen.queryByText(/Saved to/)).toBeNull();

    app.ExportResult.mockRejectedValueOnce("No se pudo guardar el informe: disco lleno");
    await pick("export-menu", "export-text");
    expect(await screen.findByText("No se pudo guardar el informe: disco lleno")).toBeInTheDocument();
  });
});
