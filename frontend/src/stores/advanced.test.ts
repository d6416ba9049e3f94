import type { Profile } from "../api/backend";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../wailsjs/runtime/runtime", () => ({}));

import { emptyForm, formToProfile, profileToForm, validateStep, type Form } from "./form";
import { formToRequest } from "./run";

const form: Form = {
  ...emptyForm,
  host: "smtp.contoso.test",
  mode: "host",
  to: "user@contoso.test",
  timeouts: { connect: " 5s ", banner: "1m", command: "", dataBlock: "2m", finalDot: "10m" },
  pipelining: true,
  chunking: true,
};

describe("advanced options", () => {
  it("reach the engine request as Go's profile.Timeouts, trimmed, with pipelining (RFC 2920) and chunking (RFC 3030)", () => {
    const r = formToRequest(form, "en");
    expect(r.timeouts).toEqual({ connect: "5s", banner: "1m", command: "", data_block: "2m", final_dot: "10m" });
    expect(r.pipelining).toBe(true);
    expect(r.chunking).toBe(true);
  });

  it("survive saving as a profile and loading it back", () => {
    const back = profileToForm(formToProfile(form, {}, "p"));
    expect(back.timeouts).toEqual({ connect: "5s", banner: "1m", command: "", dataBlock: "2m", finalDot: "10m" });
    expect(back.pipelining).toBe(true);
    expect(back.chunking).toBe(true);
  });

  it("default to off and empty for an old profile without them", () => {
    const p: Partial<Profile> = formToProfile(emptyForm, {}, "old");
    delete p.timeouts;
    delete p.pipelining;
    const back = profileToForm(p as never);
    expect(back.timeouts.connect).toBe("");
    expect(back.pipelining).toBe(false);
  });

  it("block the Message step while a timeout does not parse, under Go's field name", () => {
    const e = validateStep(2, { ...form, timeouts: { ...form.timeouts, banner: "forever" } });
    expect(e).toEqual({ timeoutBanner: "val.duration" });
  });
});
