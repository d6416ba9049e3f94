import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../wailsjs/runtime/runtime", () => ({}));

import type { TLSReport } from "../api/types";
import { setLang } from "../i18n";
import { emptyForm } from "../stores/form";
import { formToRequest } from "../stores/run";
import { CertificatePanel } from "./CertificatePanel";

// A self-signed leaf, as the built-in receiver presents it.
const report: TLSReport = {
  version: "TLS 1.3",
  cipher_suite: "TLS_AES_128_GCM_SHA256",
  server_name: "mail.contoso.test",
  verified: false,
  skip_verify: true,
  name_matches: true,
  problem: {
    kind: "tls_self_signed",
    en: "The server presents a self-signed certificate.",
    es: "El servidor presenta un certificado autofirmado.",
  },
  chain: [
    {
      subject: "CN=mail.contoso.test",
      issuer: "CN=mail.contoso.test",
      sans: ["mail.contoso.test", "127.0.0.1"],
      not_before: "2026-01-01T00:00:00Z",
      not_after: "2027-01-01T00:00:00Z",
      days_to_expiry: 33,
      sha256: "AB:CD:EF",
      key_type: "ECDSA P-256",
      key_bits: 256,
      is_ca: false,
    },
  ],
};

describe("CertificatePanel", () => {
  it("shows version, cipher, the chain and the problem in plain words, in Spanish", () => {
    setLang("es");
    render(
      <FluentProvider theme={webLightTheme}>
        <CertificatePanel report={report} />
      </FluentProvider>,
    );
    expect(screen.getByText(/TLS 1\.3 · TLS_AES_128_GCM_SHA256 · comprobado con mail\.contoso\.test/)).toBeInTheDocument();
    expect(screen.getByTestId("cert-unverified")).toHaveTextContent("Sin verificar");
    expect(screen.getByTestId("cert-problem")).toHaveTextContent("El servidor presenta un certificado autofirmado.");
    expect(screen.getByText("mail.contoso.test, 127.0.0.1")).toBeInTheDocument();
    expect(screen.getByTestId("cert-expiry")).toHaveTextContent("(quedan 33 días)");
    expect(screen.getByText("AB:CD:EF")).toBeInTheDocument();
  });

  it("says when a certificate has expired and when it is trusted", () => {
    setLang("en");
    const leaf = { ...report.chain![0]!, days_to_expiry: -3 };
    render(
      <FluentProvider theme={webLightTheme}>
        <CertificatePanel report={{ ...report, verified: true, problem: undefined, skip_verify: false, chain: [leaf] }} host="mx1.contoso.test" />
      </FluentProvider>,
    );
    expect(screen.getByTestId("cert-verified")).toHaveTextContent("Trusted");
    expect(screen.getByTestId("cert-expiry")).toHaveTextContent("(expired)");
    expect(screen.queryByTestId("cert-problem")).toBeNull();
    expect(screen.getByText("Certificate — mx1.contoso.test")).toBeInTheDocument();
  });
});

describe("TLS and AUTH in the request", () => {
  it("carries the profile id for the keyring, never a remembered password, and the opt-ins", () => {
    const f = { ...emptyForm, tls: "starttls" as const, authMech: "PLAIN", authUser: " relay ", remember: true, insecureSkipVerify: true, allowPlaintextAuth: true };
    const r = formToRequest(f, "en", "0123456789abcdef0123456789abcdef");
    expect(r.profile_id).toBe("0123456789abcdef0123456789abcdef");
    expect(r.password).toBe("");
    expect(r.auth_user).toBe("relay");
    expect(r.insecure_skip_verify).toBe(true);
    expect(r.allow_plaintext_auth).toBe(true);
    // Plaintext AUTH is only allowed when AUTH is on at all.
    expect(formToRequest({ ...f, authMech: "" }, "en").allow_plaintext_auth).toBe(false);
  });
});
