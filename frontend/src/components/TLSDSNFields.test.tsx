import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

const pickCAFile = vi.fn();
vi.mock("../../wailsjs/go/desktop/TLS", () => ({ PickCAFile: () => pickCAFile() }));
vi.mock("../../wailsjs/runtime/runtime", () => ({}));

import { setLang } from "../i18n";
import { emptyForm, formStore, resetForm } from "../stores/form";
import { DestinationStep } from "./DestinationStep";
import { EnvelopeStep } from "./EnvelopeStep";

const wrap = (el: React.ReactNode) => render(<FluentProvider theme={webLightTheme}>{el}</FluentProvider>);

describe("Destination step: advanced TLS", () => {
  beforeEach(() => pickCAFile.mockReset());

  it("is collapsed until asked for, fills the CA file from the open dialog, and is gone with TLS off", async () => {
    setLang("en");
    resetForm({ ...emptyForm, mode: "host", tls: "starttls" });
    const { rerender } = wrap(<DestinationStep showAll={false} />);
    expect(screen.queryByTestId("field-caFile")).toBeNull();
    fireEvent.click(screen.getByText("Advanced TLS"));
    expect(screen.getByText(/TLS 1.0 and 1.1 are obsolete/)).toBeInTheDocument();
    pickCAFile.mockResolvedValueOnce("/etc/ssl/contoso-root.pem");
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Browse for the CA certificate file" })));
    expect(formStore.get().form.caFile).toBe("/etc/ssl/contoso-root.pem");
    expect(screen.getByTestId("field-caFile")).toHaveValue("/etc/ssl/contoso-root.pem");
    // Cancelling the dialog keeps what was there.
    pickCAFile.mockResolvedValueOnce("");
    await act(async () => fireEvent.click(screen.getByTestId("browse-caFile")));
    expect(pickCAFile).toHaveBeenCalledTimes(2);
    expect(formStore.get().form.caFile).toBe("/etc/ssl/contoso-root.pem");

    resetForm({ ...formStore.get().form, tls: "none" });
    rerender(
      <FluentProvider theme={webLightTheme}>
        <DestinationStep showAll={false} />
      </FluentProvider>,
    );
    expect(screen.queryByText("Advanced TLS")).toBeNull();
  });

  it("warns, in Spanish, when verification is skipped", () => {
    setLang("es");
    resetForm({ ...emptyForm, mode: "host", tls: "starttls" });
    wrap(<DestinationStep showAll={false} />);
    expect(screen.queryByTestId("skip-verify-warning")).toBeNull();
    fireEvent.click(screen.getByLabelText(/Continuar aunque el certificado no se verifique/));
    expect(screen.getByText(/Solo para pruebas/)).toBeInTheDocument();
    expect(formStore.get().form.insecureSkipVerify).toBe(true);
  });
});

describe("Envelope step: DSN options", () => {
  it("set ENVID (checked as typed), ORCPT and force DSN", () => {
    setLang("en");
    resetForm(emptyForm);
    wrap(<EnvelopeStep showAll={false} defaultEHLO="pc01" />);
    fireEvent.change(screen.getByTestId("field-envid"), { target: { value: "two words" } });
    expect(screen.getByText(/Printable ASCII without spaces/)).toBeInTheDocument();
    fireEvent.change(screen.getByTestId("field-envid"), { target: { value: "QQ314159" } });
    expect(screen.queryByText(/Printable ASCII without spaces/)).toBeNull();
    fireEvent.click(screen.getByLabelText(/ORCPT=rfc822/));
    fireEvent.click(screen.getByLabelText("Send the DSN parameters even if the server does not offer DSN"));
    expect(formStore.get().form).toMatchObject({ envid: "QQ314159", orcpt: true, forceDsn: true });
  });
});
