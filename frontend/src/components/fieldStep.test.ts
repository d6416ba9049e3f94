import { describe, expect, it, vi } from "vitest";

vi.mock("../../wailsjs/runtime/runtime", () => ({}));

import { fieldStep } from "./Wizard";

describe("fieldStep", () => {
  it("finds the wizard step of each field Go may refuse", () => {
    expect(fieldStep("caFile")).toBe(0);
    expect(fieldStep("tlsMin")).toBe(0);
    expect(fieldStep("host")).toBe(0);
    expect(fieldStep("envid")).toBe(1);
    expect(fieldStep("password")).toBe(1);
    expect(fieldStep("timeoutBanner")).toBe(2);
    expect(fieldStep("headers")).toBe(2);
    expect(fieldStep("something-new")).toBe(-1);
  });
});
