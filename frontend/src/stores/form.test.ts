import { describe, expect, it } from "vitest";
import { emptyForm, firstInvalidStep, formToProfile, profileToForm, recipientDomain, validateStep, type Form } from "./form";

const good: Form = {
  ...emptyForm,
  domain: "contoso.com",
  dnsServer: "192.0.2.53",
  mxHost: "mx1.contoso.com",
  port: "25",
  from: "admin@fabrikam.com",
  to: "user@contoso.com\nother@contoso.com",
  notify: ["success", "failure"],
  headers: [{ name: "X-Test", value: "1" }],
  stopAfter: "rcpt",
};

describe("wizard validation", () => {
  it("passes a complete form", () => {
    expect(firstInvalidStep(good)).toBe(-1);
  });

  it("names the failing field of each step", () => {
    expect(validateStep(0, { ...good, domain: "" })).toEqual({ domain: "val.required" });
    expect(validateStep(0, { ...good, mode: "host", host: "" })).toEqual({ host: "val.required" });
    expect(validateStep(1, { ...good, to: "user@contoso.com, broken" })).toEqual({ to: "val.addressAt" });
    expect(validateStep(1, { ...good, to: "" })).toEqual({ to: "val.required" });
    // RFC 3461 §4.1: NEVER must appear alone.
    expect(validateStep(1, { ...good, notify: ["never", "success"] })).toEqual({ notify: "val.notifyNever" });
    expect(validateStep(1, { ...good, authMech: "PLAIN", authUser: "" })).toEqual({ authUser: "val.required" });
    expect(validateStep(2, { ...good, headers: [{ name: "Bad Name", value: "x\ny" }] })).toEqual({
      "header0.name": "val.headerName",
      "header0.value": "val.control",
    });
    expect(firstInvalidStep({ ...good, subject: "a\r\nb" })).toBe(2);
  });

  it("takes the MX domain from the first recipient", () => {
    expect(recipientDomain(good)).toBe("contoso.com");
    expect(recipientDomain({ ...good, to: "" })).toBe("");
  });
});

describe("profiles", () => {
  it("round-trips the form through a profile", () => {
    const p = formToProfile(good, {}, "Contoso");
    expect(p.name).toBe("Contoso");
    expect(p.target.host).toBe("mx1.contoso.com");
    expect(p.envelope.to).toEqual(["user@contoso.com", "other@contoso.com"]);
    expect(p.stop_after).toBe("rcpt");
    const back = profileToForm(p);
    expect(back).toEqual({ ...good, password: "", remember: false });
  });

  it("keeps the typed-server and every-MX modes", () => {
    const host = formToProfile({ ...good, mode: "host", host: "192.0.2.25" }, {}, "x");
    expect(host.target.domain).toBe("");
    expect(profileToForm(host).mode).toBe("host");
    const all = formToProfile({ ...good, mode: "all" }, {}, "x");
    expect(all.target.all_mx).toBe(true);
    expect(profileToForm(all).mode).toBe("all");
  });

  it("never puts the password in the profile", () => {
    const p = formToProfile({ ...good, authMech: "LOGIN", authUser: "admin", password: "s3cret", remember: true }, {}, "x");
    expect(JSON.stringify(p)).not.toContain("s3cret");
  });
});
