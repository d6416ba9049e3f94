import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../wailsjs/runtime/runtime", () => ({}));

import type { RunResult } from "../api/types";
import { setLang } from "../i18n";
import { beginSession, finishSession } from "../stores/session";
import { RunStep, distinctCause } from "./RunStep";

const t2 = (en: string, es: string) => ({ en, es });

// RFC 5321 §4.2.2 550 with RFC 3463 5.1.1: a rejected recipient.
const result: RunResult = {
  id: "r",
  ok: false,
  exit_code: 1,
  canceled: false,
  json: "{}",
  transcript: [],
  runs: [
    {
      host: "mx1.contoso.com",
      ip: "192.0.2.1",
      port: 25,
      ok: false,
      exit_code: 1,
      warnings: [],
      extensions: [],
      verdict: {
        verdict: "recipient_unknown",
        severity: "error",
        class: "permanent",
        title: t2("Recipient rejected", "Destinatario rechazado"),
        cause: t2("The mailbox does not exist.", "El buzón no existe."),
        actions: [t2("Check the spelling.", "Compruebe cómo se escribe.")],
        accepted: [],
        rejected: ["nobody@contoso.com"],
        exit_code: 1,
      },
      steps: [
        { id: 1, name: "connect", status: "ok", duration_ms: 3, offset_ms: 0, started: "" },
        {
          id: 2,
          started: "",
          name: "rcpt",
          recipient: "nobody@contoso.com",
          command: "RCPT TO:<nobody@contoso.com>",
          status: "failed",
          duration_ms: 5,
          offset_ms: 3,
          reply: { code: 550, enhanced: "5.1.1", lines: ["5.1.1 User unknown"] },
          evaluation: {
            class: "permanent",
            rule: "",
            verdict: "",
            severity: "error",
            summary: t2("Recipient does not exist", "El destinatario no existe"),
            code_meaning: t2("Mailbox unavailable", "Buzón no disponible"),
            enhanced_meaning: t2("Bad destination mailbox address", "Dirección de buzón de destino incorrecta"),
            causes: [t2("A typo", "Un error al escribir")],
            actions: [t2("Check the address", "Compruebe la dirección")],
            references: ["RFC 3463 §3.2"],
          },
        },
      ],
    },
  ],
};

describe("RunStep", () => {
  it("shows the verdict, codes and the explanation in the chosen language", () => {
    setLang("es");
    beginSession("r");
    finishSession("r", result);
    render(
      <FluentProvider theme={webLightTheme}>
        <RunStep />
      </FluentProvider>,
    );
    expect(screen.getByText("Destinatario rechazado")).toBeInTheDocument();
    expect(screen.getByText("550 5.1.1")).toBeInTheDocument();
    expect(screen.getByText("El destinatario no existe")).toBeInTheDocument();
    expect(screen.getByTestId("step-rcpt")).toHaveAttribute("data-status", "failed");
    expect(screen.getByLabelText("Error")).toBeInTheDocument(); // status icon label
    expect(screen.getByTestId("waterfall")).toBeInTheDocument();

    act(() => setLang("en"));
    expect(screen.getByText("Recipient rejected")).toBeInTheDocument();
    expect(screen.getByText("Recipient does not exist")).toBeInTheDocument();
    expect(screen.queryByTestId("run-sender")).toBeNull();
  });

  it("shows the sender checks of the result with each finding's status", () => {
    setLang("en");
    beginSession("r2");
    finishSession("r2", {
      ...result,
      id: "r2",
      sender: {
        ip: "192.168.1.20",
        ip_source: "local",
        local: true,
        ptr: [],
        fcrdns: false,
        helo: { name: "", matches_ptr: false, resolves_to_ip: false },
        spf: { domain: "", result: "", record: "", matched: "", lookups: 0 },
        dmarc: { domain: "", policy: "", record: "", spf_aligned: false },
        dnsbl: [],
        findings: [{ id: "egress_local", status: "warning", summary: "192.168.1.20 is a private or local address", meaning: "A NAT sits between you and the Internet", actions: ["Type the public address"] }],
      },
    });
    render(
      <FluentProvider theme={webLightTheme}>
        <RunStep />
      </FluentProvider>,
    );
    expect(screen.getByTestId("run-sender")).toBeInTheDocument();
    expect(screen.getByTestId("finding-egress_local")).toHaveAttribute("data-status", "warning");
    expect(screen.getByText("192.168.1.20 (local address of the connection)")).toBeInTheDocument();
  });
});

describe("distinctCause", () => {
  it("drops a cause that only repeats the headline", () => {
    expect(distinctCause("Accepted for delivery", "Message accepted for delivery")).toBe("");
    expect(distinctCause("Aceptado para su entrega", "Mensaje aceptado para su entrega.")).toBe("");
    expect(distinctCause("Recipient rejected", "The mailbox does not exist.")).toBe("The mailbox does not exist.");
    expect(distinctCause("Recipient rejected", "")).toBe("");
  });
});
