import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

const check = vi.fn();
// jsdom has no ResizeObserver; Fluent's MessageBar only needs it to exist.
vi.stubGlobal(
  "ResizeObserver",
  class {
    observe() {}
    unobserve() {}
    disconnect() {}
  },
);
vi.mock("../../wailsjs/go/desktop/SenderChecks", () => ({ Check: (...a: unknown[]) => check(...a) }));

import { setLang } from "../i18n";
import { SenderPanel } from "./SenderPanel";

const report = {
  ip: "192.0.2.11",
  ip_source: "given",
  local: false,
  ptr: [],
  fcrdns: false,
  findings: [
    { id: "ptr", status: "fail", summary: "192.0.2.11 has no reverse DNS (PTR) name", meaning: "Receivers look up the PTR record", consequence: "Gmail will refuse with 550 5.7.25", actions: ["Ask whoever owns 192.0.2.11"] },
    { id: "dnsbl_unchecked", status: "could_not_check", summary: "the blocklist zen.spamhaus.org could not be checked", meaning: "refused", actions: [] },
  ],
};

function renderPanel() {
  render(
    <FluentProvider theme={webLightTheme}>
      <SenderPanel />
    </FluentProvider>,
  );
}

describe("SenderPanel", () => {
  it("sends the typed fields with the UI language and shows each finding with its status", async () => {
    setLang("en");
    check.mockResolvedValueOnce({ report });
    renderPanel();
    fireEvent.change(screen.getByTestId("sender-ip"), { target: { value: "192.0.2.11" } });
    fireEvent.change(screen.getByTestId("sender-dns_server"), { target: { value: "127.0.0.1:5353" } });
    await act(async () => fireEvent.click(screen.getByTestId("sender-check")));
    expect(check).toHaveBeenCalledWith(expect.objectContaining({ ip: "192.0.2.11", dns_server: "127.0.0.1:5353", lang: "en" }));
    expect(await screen.findByText("192.0.2.11 has no reverse DNS (PTR) name")).toBeInTheDocument();
    expect(screen.getByTestId("finding-ptr")).toHaveAttribute("data-status", "fail");
    expect(screen.getByText("Fail")).toBeInTheDocument();
    expect(screen.getByText("Could not check")).toBeInTheDocument();
    expect(screen.getByText("192.0.2.11 (given)")).toBeInTheDocument();
    fireEvent.click(screen.getByText("192.0.2.11 has no reverse DNS (PTR) name"));
    expect(await screen.findByText("Consequence: Gmail will refuse with 550 5.7.25")).toBeInTheDocument();
  });

  it("shows the error in Spanish", async () => {
    setLang("es");
    check.mockResolvedValueOnce({ error: "Escriba la dirección IP de envío que quiere comprobar." });
    renderPanel();
    expect(screen.getByText("Comprobaciones del remitente")).toBeInTheDocument();
    await act(async () => fireEvent.click(screen.getByTestId("sender-check")));
    expect(await screen.findByTestId("sender-error")).toHaveTextContent("Escriba la dirección IP");
    expect(check).toHaveBeenLastCalledWith(expect.objectContaining({ lang: "es" }));
  });
});
