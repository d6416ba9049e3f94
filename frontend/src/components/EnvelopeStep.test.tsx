import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../wailsjs/runtime/runtime", () => ({}));

import { setLang } from "../i18n";
import { emptyForm, resetForm } from "../stores/form";
import { EnvelopeStep } from "./EnvelopeStep";

describe("EnvelopeStep", () => {
  it("validates as the user types, in the chosen language", () => {
    setLang("es");
    resetForm(emptyForm);
    render(
      <FluentProvider theme={webLightTheme}>
        <EnvelopeStep showAll={false} defaultEHLO="pc01.fabrikam.local" />
      </FluentProvider>,
    );
    expect(screen.getByText("Vacío: el nombre de este equipo (pc01.fabrikam.local).")).toBeInTheDocument();
    fireEvent.change(screen.getByTestId("field-from"), { target: { value: "admin" } });
    expect(screen.getByText("Una dirección tiene la forma usuario@contoso.com.")).toBeInTheDocument();
    fireEvent.change(screen.getByTestId("field-from"), { target: { value: "admin@fabrikam.com" } });
    expect(screen.queryByText("Una dirección tiene la forma usuario@contoso.com.")).toBeNull();
  });

  it("keeps NOTIFY=NEVER alone (RFC 3461 §4.1)", () => {
    setLang("en");
    resetForm({ ...emptyForm, notify: ["success", "failure"] });
    render(
      <FluentProvider theme={webLightTheme}>
        <EnvelopeStep showAll={false} defaultEHLO="pc01" />
      </FluentProvider>,
    );
    fireEvent.click(screen.getByLabelText("Never"));
    expect(screen.getByLabelText("Never")).toBeChecked();
    expect(screen.getByLabelText("Success")).not.toBeChecked();
    fireEvent.click(screen.getByLabelText("Delay"));
    expect(screen.getByLabelText("Never")).not.toBeChecked();
  });

  it("explains that a login needs a verified certificate, in both languages", () => {
    for (const [lang, want] of [
      ["en", /unverified certificate anyone in the middle could have answered/],
      ["es", /certificado no verificado cualquiera en medio podría haber respondido/],
    ] as const) {
      setLang(lang);
      resetForm({ ...emptyForm, authMech: "PLAIN" });
      const { unmount } = render(
        <FluentProvider theme={webLightTheme}>
          <EnvelopeStep showAll={false} defaultEHLO="pc01" />
        </FluentProvider>,
      );
      expect(screen.getByTestId("auth-tls-hint")).toHaveTextContent(want);
      unmount();
    }
    resetForm(emptyForm);
    render(
      <FluentProvider theme={webLightTheme}>
        <EnvelopeStep showAll={false} defaultEHLO="pc01" />
      </FluentProvider>,
    );
    expect(screen.queryByTestId("auth-tls-hint")).toBeNull();
  });
});
