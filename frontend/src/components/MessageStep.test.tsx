import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../wailsjs/runtime/runtime", () => ({}));

import { setLang } from "../i18n";
import { emptyForm, formStore, resetForm } from "../stores/form";
import { MessageStep } from "./MessageStep";

function show(showAll = false) {
  return render(
    <FluentProvider theme={webLightTheme}>
      <MessageStep showAll={showAll} />
    </FluentProvider>,
  );
}

describe("MessageStep advanced options", () => {
  it("are collapsed by default and show the RFC 5321 defaults as placeholders when opened", () => {
    setLang("en");
    resetForm(emptyForm);
    show();
    expect(screen.queryByTestId("field-timeoutConnect")).toBeNull();
    fireEvent.click(screen.getByText("Advanced options"));
    expect(screen.getByTestId("field-timeoutConnect")).toHaveAttribute("placeholder", "30s");
    expect(screen.getByTestId("field-timeoutFinalDot")).toHaveAttribute("placeholder", "10m");
    fireEvent.click(screen.getByLabelText(/Chunking/));
    expect(formStore.get().form.chunking).toBe(true);
    // Pipelining is the default; lock-step, like telnet, is the opt-in.
    expect(formStore.get().form.pipelining).toBe(true);
    const lockstep = screen.getByLabelText(/one command at a time, like telnet/);
    expect(lockstep).not.toBeChecked();
    fireEvent.click(lockstep);
    expect(formStore.get().form.pipelining).toBe(false);
    expect(lockstep).toBeChecked();
  });

  it("validate a duration as the user types, in Spanish", () => {
    setLang("es");
    resetForm(emptyForm);
    show();
    fireEvent.click(screen.getByText("Opciones avanzadas"));
    fireEvent.change(screen.getByTestId("field-timeoutBanner"), { target: { value: "5" } });
    expect(screen.getByText("Escriba una duración como 30s, 2m o 1m30s.")).toBeInTheDocument();
    fireEvent.change(screen.getByTestId("field-timeoutBanner"), { target: { value: "90s" } });
    expect(screen.queryByText("Escriba una duración como 30s, 2m o 1m30s.")).toBeNull();
    expect(formStore.get().form.timeouts.banner).toBe("90s");
  });

  it("open by themselves when Run finds a refused timeout inside", () => {
    setLang("en");
    resetForm({ ...emptyForm, timeouts: { ...emptyForm.timeouts, command: "25h" } });
    show(true);
    expect(screen.getByText("Choose a duration above zero and at most 24h.")).toBeInTheDocument();
  });
});
