import { describe, expect, it } from "vitest";
import { checkDuration } from "./validation";

// The same rules as Go's time.ParseDuration plus profile.MaxTimeout (24h),
// which the backend applies again before a byte is sent.
describe("checkDuration", () => {
  it.each([
    ["", null],
    ["30s", null],
    [" 2m ", null],
    ["1m30s", null],
    ["1.5h", null],
    ["500ms", null],
    ["24h", null],
    ["5", "val.duration"], // Go needs a unit
    ["soon", "val.duration"],
    ["5 s", "val.duration"],
    ["5s\r\nQUIT", "val.duration"], // RFC 5321 §4.1.1: no smuggled command
    ["5d", "val.duration"],
    ["0", "val.durationRange"],
    ["0s", "val.durationRange"],
    ["-1s", "val.durationRange"],
    ["24h1s", "val.durationRange"],
    ["25h", "val.durationRange"],
  ])("%j -> %s", (v, want) => {
    expect(checkDuration(v)).toBe(want);
  });
});
