import { describe, expect, it } from "vitest";
import {
  checkDNSServer,
  checkDomain,
  checkEHLO,
  checkHeaderName,
  checkHost,
  checkLine,
  checkMailbox,
  checkPort,
  isIPv6,
  splitRecipients,
} from "./validation";

describe("checkDomain (RFC 1035 §2.3.4, RFC 5321 §4.1.2)", () => {
  it.each([
    ["contoso.com", null],
    ["contoso.com.", null],
    ["mail-1.contoso.co.uk", null],
    ["bücher.example", null], // IDNA converts it
    ["", "val.required"],
    ["contoso..com", "val.domainEmptyLabel"],
    [".contoso.com", "val.domainEmptyLabel"],
    ["-contoso.com", "val.labelHyphen"],
    ["contoso-.com", "val.labelHyphen"],
    ["a".repeat(64) + ".com", "val.labelLong"],
    [("a".repeat(60) + ".").repeat(5) + "com", "val.domainLong"],
    ["contoso_mail.com", "val.domainChars"],
    ["contoso.com\r\nRCPT TO:<x@y>", "val.control"],
  ])("%j → %s", (input, want) => {
    expect(checkDomain(input)).toBe(want);
  });
});

describe("checkMailbox (RFC 5321 §4.1.2, §4.5.3.1.1-3 limits)", () => {
  it.each([
    ["user@contoso.com", null],
    ["first.last+tag@contoso.com", null],
    ["user@[192.0.2.1]", null],
    ["user@[IPv6:2001:db8::1]", null],
    ["", "val.required"],
    ["user", "val.addressAt"],
    ["@contoso.com", "val.addressAt"],
    ["user@", "val.addressAt"],
    ["us er@contoso.com", "val.addressChars"],
    ["<user@contoso.com>", "val.addressChars"],
    ["user@contoso.com\nRCPT TO:<x@y.com>", "val.control"],
    ["a".repeat(65) + "@contoso.com", "val.localLong"],
    ["a@" + ("b".repeat(60) + ".").repeat(5) + "com", "val.addressLong"],
    [".user@contoso.com", "val.localDots"],
    ["us..er@contoso.com", "val.localDots"],
    ["user@[999.1.1.1]", "val.domainChars"],
  ])("%j → %s", (input, want) => {
    expect(checkMailbox(input)).toBe(want);
  });

  it("accepts an empty sender (the null reverse-path, RFC 5321 §4.5.5)", () => {
    expect(checkMailbox("", { allowEmpty: true })).toBeNull();
  });
});

describe("servers, ports and names", () => {
  it.each([
    ["mail.contoso.com", null],
    ["192.0.2.25", null],
    ["2001:db8::25", null],
    ["[2001:db8::25]", null],
    ["", "val.required"],
    ["mail contoso", "val.domainChars"],
  ])("checkHost(%j) → %s", (input, want) => expect(checkHost(input)).toBe(want));

  it.each([
    ["", null],
    ["25", null],
    ["65535", null],
    ["0", "val.port"],
    ["65536", "val.port"],
    ["25a", "val.port"],
    ["-1", "val.port"],
  ])("checkPort(%j) → %s", (input, want) => expect(checkPort(input)).toBe(want));

  // mxlookup.ParseServer refuses host names: the user expects that exact server.
  it.each([
    ["", null],
    ["192.0.2.53", null],
    ["192.0.2.53:5353", null],
    ["2001:db8::53", null],
    ["[2001:db8::53]:5353", null],
    ["dns.contoso.com", "val.dnsServer"],
    ["192.0.2.53:99999", "val.dnsServer"],
    ["192.0.2.256", "val.dnsServer"],
  ])("checkDNSServer(%j) → %s", (input, want) => expect(checkDNSServer(input)).toBe(want));

  it.each([
    ["", null],
    ["probe.fabrikam.com", null],
    ["[192.0.2.1]", null],
    ["[IPv6:2001:db8::1]", null],
    ["bad name", "val.ehlo"],
    ["[not-an-ip]", "val.ehlo"],
  ])("checkEHLO(%j) → %s (RFC 5321 §4.1.1.1)", (input, want) => expect(checkEHLO(input)).toBe(want));

  it("IPv6 literals", () => {
    expect(isIPv6("::1")).toBe(true);
    expect(isIPv6("1:2:3:4:5:6:7:8")).toBe(true);
    expect(isIPv6("1:2:3:4:5:6:7:8:9")).toBe(false);
    expect(isIPv6("1::2::3")).toBe(false);
    expect(isIPv6("contoso")).toBe(false);
  });
});

describe("header text (RFC 5322 §2.1.1, §2.2)", () => {
  it("refuses line breaks and overlong lines, allows tabs", () => {
    expect(checkLine("Prueba\tde correo")).toBeNull();
    expect(checkLine("x\r\nBcc: victim@contoso.com")).toBe("val.control");
    expect(checkLine("a".repeat(999))).toBe("val.lineLong");
    expect(checkLine("ñ".repeat(500))).toBe("val.lineLong"); // 1000 octets in UTF-8
  });
  it("header names are printable ASCII without a colon", () => {
    expect(checkHeaderName("X-Test")).toBeNull();
    expect(checkHeaderName("X Test")).toBe("val.headerName");
    expect(checkHeaderName("X:Test")).toBe("val.headerName");
    expect(checkHeaderName("")).toBe("val.required");
  });
});

it("splits recipients on lines, commas and semicolons", () => {
  expect(splitRecipients(" a@x.com\nb@y.com, c@z.com;;d@w.com \n")).toEqual(["a@x.com", "b@y.com", "c@z.com", "d@w.com"]);
  expect(splitRecipients("  \n ")).toEqual([]);
});
