import { describe, expect, it, vi } from "vitest";

vi.mock("../../wailsjs/runtime/runtime", () => ({}));

import { checkEnvID } from "../lib/validation";
import { emptyForm, formToProfile, profileToForm, validateStep, type Form } from "./form";
import { formToRequest } from "./run";

const form: Form = {
  ...emptyForm,
  mode: "host",
  host: "mail.contoso.test",
  tls: "starttls",
  from: "admin@fabrikam.test",
  to: "kate@contoso.test",
  caFile: " C:\\certs\\contoso-root.pem ",
  tlsMin: "1.0",
  insecureSkipVerify: true,
  ret: "hdrs",
  envid: " QQ314159 ",
  orcpt: true,
  forceDsn: true,
};

describe("TLS and DSN options", () => {
  it("reach the engine request under Go's names, trimmed", () => {
    const r = formToRequest(form, "en");
    expect(r).toMatchObject({
      ca_file: "C:\\certs\\contoso-root.pem",
      tls_min: "1.0",
      insecure_skip_verify: true,
      ret: "hdrs",
      envid: "QQ314159",
      orcpt: true,
      force_dsn: true,
    });
  });

  it("are not sent or saved when TLS is off", () => {
    const off = { ...form, tls: "none" as const };
    expect(formToRequest(off, "en")).toMatchObject({ ca_file: "", tls_min: "", insecure_skip_verify: false });
    expect(formToProfile(off, {}, "p").target).toMatchObject({ ca_file: "", tls_min: "", insecure_skip_verify: false });
  });

  it("survive saving as a profile and loading it back", () => {
    const p = formToProfile(form, {}, "p");
    expect(p.target).toMatchObject({ ca_file: "C:\\certs\\contoso-root.pem", tls_min: "1.0", insecure_skip_verify: true });
    expect(p.envelope.dsn).toEqual({ notify: [], ret: "hdrs", envid: "QQ314159", orcpt: true, force_dsn: true });
    const back = profileToForm(p);
    expect(back).toMatchObject({
      caFile: "C:\\certs\\contoso-root.pem",
      tlsMin: "1.0",
      insecureSkipVerify: true,
      ret: "hdrs",
      envid: "QQ314159",
      orcpt: true,
      forceDsn: true,
    });
  });

  it("default to off and empty for a profile saved before them", () => {
    const back = profileToForm({ ...formToProfile(emptyForm, {}, "old"), target: { host: "x" }, envelope: { to: [], from: "", dsn: {} } } as never);
    expect(back).toMatchObject({ caFile: "", tlsMin: "", insecureSkipVerify: false, ret: "", envid: "", orcpt: false, forceDsn: false });
  });

  it("ignore a TLS version or RET a newer file may hold", () => {
    const p = formToProfile(form, {}, "p");
    const back = profileToForm({ ...p, target: { ...p.target, tls_min: "1.4" }, envelope: { ...p.envelope, dsn: { ret: "body" } } } as never);
    expect(back.tlsMin).toBe("");
    expect(back.ret).toBe("");
  });

  it("check ENVID like the profile does (RFC 3461 §4.4 xtext without encoding)", () => {
    for (const ok of ["", "QQ314159", "run-42_a.b", "!#$%&'*,-./:;<>?@[]^_`{|}~"]) expect(checkEnvID(ok), ok).toBeNull();
    for (const bad of ["two words", "a+b", "a=b", "año", "x\r\nRSET", "x".repeat(101)]) expect(checkEnvID(bad), bad).toBe("val.envid");
    expect(validateStep(1, { ...form, envid: "a=b" })).toEqual({ envid: "val.envid" });
    expect(validateStep(1, form)).toEqual({});
  });

  it("flag a CA file path with a line break in the Destination step", () => {
    expect(validateStep(0, { ...form, caFile: "ca.pem\nx" })).toEqual({ caFile: "val.control" });
    expect(validateStep(0, form)).toEqual({});
  });

  it("pipeline by default: lock-step is the opt-in", () => {
    expect(emptyForm.pipelining).toBe(true);
    expect(formToRequest(emptyForm, "en").pipelining).toBe(true);
    // A saved profile keeps its own choice.
    expect(profileToForm({ ...formToProfile(emptyForm, {}, "p"), pipelining: false } as never).pipelining).toBe(false);
  });
});
