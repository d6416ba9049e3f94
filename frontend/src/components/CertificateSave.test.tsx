import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

const saveCertificate = vi.fn();
vi.mock("../../wailsjs/go/desktop/TLS", () => ({ SaveCertificate: (...a: unknown[]) => saveCertificate(...a) }));
vi.mock("../../wailsjs/runtime/runtime", () => ({}));

import type { TLSReport } from "../api/types";
import { setLang } from "../i18n";
import { CertificatePanel } from "./CertificatePanel";

const report: TLSReport = {
  version: "TLS 1.3",
  cipher_suite: "TLS_AES_128_GCM_SHA256",
  server_name: "127.0.0.1",
  verified: true,
  skip_verify: false,
  name_matches: true,
  problem: undefined,
  chain: [
    {
      subject: "CN=127.0.0.1",
      issuer: "CN=127.0.0.1",
      sans: ["IP:127.0.0.1"],
      not_before: "2026-01-01T00:00:00Z",
      not_after: "2027-01-01T00:00:00Z",
      days_to_expiry: 33,
      sha256: "AB:CD",
      key_type: "ECDSA P-256",
      key_bits: 256,
      is_ca: false,
    },
  ],
};

function show(props: { sessionId?: string; hostIndex?: number; report?: TLSReport }) {
  return render(
    <FluentProvider theme={webLightTheme}>
      <CertificatePanel report={props.report ?? report} sessionId={props.sessionId} hostIndex={props.hostIndex} />
    </FluentProvider>,
  );
}

describe("Save certificate…", () => {
  beforeEach(() => saveCertificate.mockReset());

  it("asks Go to save the chain of this session and host, and says where it went", async () => {
    setLang("en");
    saveCertificate.mockResolvedValue("/home/admin/127.0.0.1.pem");
    show({ sessionId: "s-1", hostIndex: 1 });
    fireEvent.click(screen.getByRole("button", { name: "Save the server's certificate chain as a PEM file" }));
    expect(await screen.findByText("Certificate chain saved to /home/admin/127.0.0.1.pem")).toBeInTheDocument();
    expect(saveCertificate).toHaveBeenCalledWith("s-1", 1, "en");
  });

  it("shows Go's explanation when saving fails, and nothing when the dialog was cancelled", async () => {
    setLang("es");
    saveCertificate.mockRejectedValueOnce("No se pudo guardar el certificado: disco lleno");
    show({ sessionId: "s-2" });
    fireEvent.click(screen.getByTestId("cert-save"));
    expect(await screen.findByText("No se pudo guardar el certificado: disco lleno")).toBeInTheDocument();
    saveCertificate.mockResolvedValueOnce("");
    fireEvent.click(screen.getByTestId("cert-save"));
    await vi.waitFor(() => expect(screen.queryByTestId("cert-save-error")).toBeNull());
    expect(screen.queryByTestId("cert-saved")).toBeNull();
  });

  it("is not offered without a chain or a session", () => {
    show({ sessionId: "s-3", report: { ...report, chain: [] } });
    expect(screen.queryByTestId("cert-save")).toBeNull();
  });
});
