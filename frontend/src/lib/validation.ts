// Inline checks run as the user types. They follow the rules the backend
// applies (backend/address, backend/mxlookup, backend/profile), which checks
// again before a byte is sent; these only give early feedback. Each returns a
// message key, or null when the value is fine.
import type { MessageKey } from "../i18n";

// Control characters (CR, LF, NUL, ...) are how a field smuggles a second SMTP
// command onto the wire (RFC 5321 §4.1.1 command injection).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** RFC 1035 §2.3.4 / RFC 5321 §4.1.2 domain: LDH labels, 63 per label, 253 in all. */
export function checkDomain(value: string): MessageKey | null {
  const v = value.trim().replace(/\.$/, "");
  if (v === "") return "val.required";
  if (CONTROL.test(v)) return "val.control";
  if (v.length > 253) return "val.domainLong";
  const labels = v.split(".");
  for (const l of labels) {
    if (l === "") return "val.domainEmptyLabel";
    if (l.length > 63) return "val.labelLong";
    if (l.startsWith("-") || l.endsWith("-")) return "val.labelHyphen";
    // Non-ASCII letters are allowed: IDNA turns them into A-labels.
    if (!/^[\p{L}\p{N}-]+$/u.test(l)) return "val.domainChars";
  }
  return null;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

export function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(":")) return false;
  const dbl = s.split("::");
  if (dbl.length > 2) return false;
  const groups = s.split(":").filter((g) => g !== "");
  if (groups.some((g) => g.length > 4 && !isIPv4(g))) return false;
  return dbl.length === 2 ? groups.length <= 7 : groups.length === 8 || (groups.length === 7 && isIPv4(groups[6] ?? ""));
}

/** A server to connect to: a host name or an IP address. */
export function checkHost(value: string): MessageKey | null {
  const v = value.trim();
  if (v === "") return "val.required";
  if (isIPv4(v) || isIPv6(v.replace(/^\[|\]$/g, ""))) return null;
  return checkDomain(v);
}

export function checkPort(value: string): MessageKey | null {
  const v = value.trim();
  if (v === "") return null; // default port
  if (!/^\d+$/.test(v)) return "val.port";
  const n = Number(v);
  return n >= 1 && n <= 65535 ? null : "val.port";
}

/** A DNS server: an IP address with an optional port (host names are refused, like mxlookup.ParseServer). */
export function checkDNSServer(value: string): MessageKey | null {
  const v = value.trim();
  if (v === "") return null;
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (m) return isIPv6(m[1] ?? "") && (m[2] === undefined || checkPort(m[2]) === null) ? null : "val.dnsServer";
  if (isIPv6(v)) return null;
  const [ip, port, extra] = v.split(":");
  if (extra !== undefined || !isIPv4(ip ?? "")) return "val.dnsServer";
  return port === undefined || checkPort(port) === null ? null : "val.dnsServer";
}

/** A mailbox per RFC 5321 §4.1.2 and the §4.5.3.1 limits (local part 64, path 256). */
export function checkMailbox(value: string, { allowEmpty = false } = {}): MessageKey | null {
  const v = value.trim();
  if (v === "") return allowEmpty ? null : "val.required";
  if (CONTROL.test(v)) return "val.control";
  if (/[<>\s]/.test(v)) return "val.addressChars";
  const at = v.lastIndexOf("@");
  if (at <= 0 || at === v.length - 1) return "val.addressAt";
  const local = v.slice(0, at);
  const domain = v.slice(at + 1);
  if (new TextEncoder().encode(local).length > 64) return "val.localLong";
  if (new TextEncoder().encode(v).length > 254) return "val.addressLong";
  if (!local.startsWith('"') && (local.startsWith(".") || local.endsWith(".") || local.includes(".."))) return "val.localDots";
  if (domain.startsWith("[")) {
    const lit = domain.replace(/^\[(IPv6:)?|\]$/g, "");
    return isIPv4(lit) || isIPv6(lit) ? null : "val.domainChars";
  }
  return checkDomain(domain);
}

/** The EHLO name: a domain or an address literal ([192.0.2.1]), RFC 5321 §4.1.1.1. */
export function checkEHLO(value: string): MessageKey | null {
  const v = value.trim();
  if (v === "") return null; // this machine's name
  if (v.startsWith("[")) {
    const lit = v.replace(/^\[(IPv6:)?|\]$/g, "");
    return isIPv4(lit) || isIPv6(lit) ? null : "val.ehlo";
  }
  return checkDomain(v) === null ? null : "val.ehlo";
}

/** One line of header text: no CR/LF, at most 998 octets (RFC 5322 §2.1.1). */
export function checkLine(value: string): MessageKey | null {
  if (CONTROL.test(value.replace(/\t/g, ""))) return "val.control";
  if (new TextEncoder().encode(value).length > 998) return "val.lineLong";
  return null;
}

/** A header field name: printable ASCII without a colon (RFC 5322 §2.2). */
export function checkHeaderName(value: string): MessageKey | null {
  const v = value.trim();
  if (v === "") return "val.required";
  return /^[\x21-\x39\x3b-\x7e]+$/.test(v) ? null : "val.headerName";
}

/** Splits a recipients box: one per line, or separated by commas or semicolons (as Outlook does). */
export function splitRecipients(value: string): string[] {
  return value
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
const MAX_TIMEOUT_MS = 24 * 3600e3; // profile.MaxTimeout

/**
 * A timeout in Go's time.ParseDuration syntax ("30s", "1m30s", "1.5h"), above
 * zero and at most 24h like profile.MaxTimeout. Empty takes the default.
 */
export function checkDuration(value: string): MessageKey | null {
  let v = value.trim();
  if (v === "") return null;
  // Go accepts a sign and a bare 0; both parse, and both are out of range.
  if (/^[+-]?0$/.test(v)) return "val.durationRange";
  const negative = v.startsWith("-");
  v = v.replace(/^[+-]/, "");
  if (!/^((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(v)) return "val.duration";
  let ms = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    ms += Number(m[1]) * (DURATION_UNITS[m[2] ?? ""] ?? 0);
  }
  return !negative && ms > 0 && ms <= MAX_TIMEOUT_MS ? null : "val.durationRange";
}

/**
 * ENVID (RFC 3461 §4.4) as a profile keeps it: printable ASCII without
 * spaces, '+' or '=', the characters xtext sends unchanged, so what the
 * admin typed is what comes back in the DSN; at most 100 characters.
 */
export function checkEnvID(value: string): MessageKey | null {
  const v = value.trim();
  if (v === "") return null;
  if (v.length > 100 || !/^[\x21-\x2a\x2c-\x3c\x3e-\x7e]+$/.test(v)) return "val.envid";
  return null;
}
