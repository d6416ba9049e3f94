// The wizard's form: everything the user fills in across the four steps, the
// profile it came from and whether it changed since (so unsaved changes are
// never lost silently).
import type { Profile } from "../api/backend";
import {
  checkDNSServer,
  checkDomain,
  checkDuration,
  checkEHLO,
  checkEnvID,
  checkHeaderName,
  checkHost,
  checkLine,
  checkMailbox,
  checkPort,
  splitRecipients,
} from "../lib/validation";
import type { MessageKey } from "../i18n";
import { createStore } from "./createStore";

/** How the destination is chosen. */
export type TargetMode = "mx" | "all" | "host";
export type TLSMode = "opportunistic" | "starttls" | "implicit" | "none";
export type StopAfter = "" | "connect" | "banner" | "ehlo" | "mail" | "rcpt" | "data";
export type Notify = "success" | "failure" | "delay" | "never";
/** RET of RFC 3461 §4.3; "" sends none. */
export type Ret = "" | "full" | "hdrs";
/** The lowest TLS version accepted; "" is the engine's default (1.2). */
export type TLSMin = "" | "1.0" | "1.1" | "1.2" | "1.3";
export const TLS_MIN_VERSIONS: TLSMin[] = ["", "1.0", "1.1", "1.2", "1.3"];

export interface Header {
  name: string;
  value: string;
}

/** Go duration strings ("30s", "2m"); "" takes the engine's RFC 5321 §4.5.3.2 default. */
export interface Timeouts {
  connect: string;
  banner: string;
  command: string;
  dataBlock: string;
  finalDot: string;
}

export const TIMEOUT_FIELDS: (keyof Timeouts)[] = ["connect", "banner", "command", "dataBlock", "finalDot"];

/** The engine's defaults (session.DefaultTimeouts), shown as placeholders. */
export const DEFAULT_TIMEOUTS: Timeouts = { connect: "30s", banner: "5m", command: "5m", dataBlock: "3m", finalDot: "10m" };

export interface Form {
  domain: string;
  dnsServer: string;
  mode: TargetMode;
  /** The MX host picked in the lookup table, "" for "try in order". */
  mxHost: string;
  host: string;
  port: string;
  tls: TLSMode;
  ehlo: string;
  from: string;
  to: string;
  notify: Notify[];
  authMech: string;
  authUser: string;
  password: string;
  remember: boolean;
  subject: string;
  body: string;
  headers: Header[];
  stopAfter: StopAfter;
  timeouts: Timeouts;
  pipelining: boolean;
  chunking: boolean;
  /** Go on when the certificate does not verify (reported all the same). */
  insecureSkipVerify: boolean;
  /** Let AUTH go over a connection without TLS. */
  allowPlaintextAuth: boolean;
  /** A PEM file of authorities trusted besides the system's. */
  caFile: string;
  tlsMin: TLSMin;
  /** DSN options of RFC 3461 next to NOTIFY. */
  ret: Ret;
  envid: string;
  orcpt: boolean;
  /** Send the DSN parameters even when the server does not offer DSN. */
  forceDsn: boolean;
}

export const emptyForm: Form = {
  domain: "",
  dnsServer: "",
  mode: "mx",
  mxHost: "",
  host: "",
  port: "",
  tls: "opportunistic",
  ehlo: "",
  from: "",
  to: "",
  notify: [],
  authMech: "",
  authUser: "",
  password: "",
  remember: false,
  subject: "SMTP Probe test",
  body: "This is a test message sent by SMTP Probe.",
  headers: [],
  stopAfter: "",
  timeouts: { connect: "", banner: "", command: "", dataBlock: "", finalDot: "" },
  // The product pipelines whenever the server offers PIPELINING; lock-step
  // (one command at a time, like telnet) is the opt-in.
  pipelining: true,
  chunking: false,
  insecureSkipVerify: false,
  allowPlaintextAuth: false,
  caFile: "",
  tlsMin: "",
  ret: "",
  envid: "",
  orcpt: false,
  forceDsn: false,
};

export interface FormState {
  form: Form;
  /** The profile loaded into the form, if any. */
  profileId: string;
  profileName: string;
  dirty: boolean;
}

export const formStore = createStore<FormState>({ form: emptyForm, profileId: "", profileName: "", dirty: false });

export function setField<K extends keyof Form>(key: K, value: Form[K]): void {
  formStore.set((s) => ({ ...s, form: { ...s.form, [key]: value }, dirty: true }));
}

export function resetForm(form: Form, profileId = "", profileName = ""): void {
  formStore.set({ form, profileId, profileName, dirty: false });
}

export function markSaved(profileId: string, profileName: string): void {
  formStore.set((s) => ({ ...s, profileId, profileName, dirty: false }));
}

export type Errors = Partial<Record<string, MessageKey>>;

/** The first recipient's domain: where MX records are looked up when no domain is typed. */
export function recipientDomain(f: Form): string {
  const first = splitRecipients(f.to)[0] ?? "";
  const at = first.lastIndexOf("@");
  return at >= 0 ? first.slice(at + 1) : "";
}

/** Checks the fields of one wizard step; an empty object means it may advance. */
export function validateStep(step: number, f: Form): Errors {
  const e: Errors = {};
  const put = (k: string, v: MessageKey | null) => {
    if (v) e[k] = v;
  };
  if (step === 0) {
    if (f.mode === "host") {
      put("host", checkHost(f.host));
      put("port", checkPort(f.port));
    } else {
      put("domain", checkDomain(f.domain));
      put("dnsServer", checkDNSServer(f.dnsServer));
      put("port", checkPort(f.port));
    }
    if (f.tls !== "none") put("caFile", checkLine(f.caFile));
  }
  if (step === 1) {
    put("ehlo", checkEHLO(f.ehlo));
    put("from", checkMailbox(f.from, { allowEmpty: true }));
    const rcpts = splitRecipients(f.to);
    if (rcpts.length === 0) put("to", "val.required");
    for (const r of rcpts) {
      const err = checkMailbox(r);
      if (err) {
        put("to", err);
        break;
      }
    }
    if (f.notify.includes("never") && f.notify.length > 1) put("notify", "val.notifyNever");
    put("envid", checkEnvID(f.envid));
    if (f.authMech && f.authUser.trim() === "") put("authUser", "val.required");
    if (f.authMech) put("authUser", checkLine(f.authUser));
  }
  if (step === 2) {
    put("subject", checkLine(f.subject));
    f.headers.forEach((h, i) => {
      put(`header${i}.name`, checkHeaderName(h.name));
      put(`header${i}.value`, checkLine(h.value));
    });
    for (const k of TIMEOUT_FIELDS) put(timeoutField(k), checkDuration(f.timeouts[k]));
  }
  return e;
}

/** The field name of a timeout, the same one Go's field errors use. */
export function timeoutField(k: keyof Timeouts): string {
  return `timeout${k[0]?.toUpperCase()}${k.slice(1)}`;
}

/** The timeouts as Go's profile.Timeouts (and TestRequest.timeouts). */
export function timeoutsToGo(t: Timeouts) {
  return {
    connect: t.connect.trim(),
    banner: t.banner.trim(),
    command: t.command.trim(),
    data_block: t.dataBlock.trim(),
    final_dot: t.finalDot.trim(),
  };
}

/** Checks every step; returns the first step with an error, or -1. */
export function firstInvalidStep(f: Form): number {
  for (let s = 0; s < 3; s++) if (Object.keys(validateStep(s, f)).length > 0) return s;
  return -1;
}

/** The form as a profile for saving (the password is passed separately to the keyring). */
export function formToProfile(f: Form, base: Partial<Profile>, name: string): Profile {
  return {
    ...(base as Profile),
    schema: 1,
    name,
    target: {
      domain: f.mode === "host" ? "" : f.domain.trim(),
      host: f.mode === "host" ? f.host.trim() : f.mxHost,
      port: f.port.trim() === "" ? 0 : Number(f.port),
      tls: f.tls,
      dns_server: f.dnsServer.trim(),
      all_mx: f.mode === "all",
      // With TLS off these would do nothing; a profile keeps only what applies.
      ca_file: f.tls === "none" ? "" : f.caFile.trim(),
      tls_min: f.tls === "none" ? "" : f.tlsMin,
      insecure_skip_verify: f.tls !== "none" && f.insecureSkipVerify,
    },
    envelope: {
      ehlo: f.ehlo.trim(),
      from: f.from.trim(),
      to: splitRecipients(f.to),
      dsn: { notify: f.notify, ret: f.ret, envid: f.envid.trim(), orcpt: f.orcpt, force_dsn: f.forceDsn },
    },
    message: { subject: f.subject, body: f.body, headers: f.headers.filter((h) => h.name.trim() !== "") },
    auth: { mechanism: f.authMech, user: f.authUser.trim(), secret_ref: base.auth?.secret_ref },
    stop_after: f.stopAfter,
    timeouts: timeoutsToGo(f.timeouts),
    pipelining: f.pipelining,
    chunking: f.chunking,
  };
}

/** A saved profile back into the form. */
export function profileToForm(p: Profile): Form {
  const t = p.target ?? ({} as Profile["target"]);
  const mode: TargetMode = t.all_mx ? "all" : t.host && !t.domain ? "host" : "mx";
  return {
    ...emptyForm,
    domain: t.domain ?? "",
    dnsServer: t.dns_server ?? "",
    mode,
    mxHost: mode === "mx" ? (t.host ?? "") : "",
    host: mode === "host" ? (t.host ?? "") : "",
    port: t.port ? String(t.port) : "",
    tls: ((t.tls as TLSMode) || "opportunistic") as TLSMode,
    ehlo: p.envelope?.ehlo ?? "",
    from: p.envelope?.from ?? "",
    to: (p.envelope?.to ?? []).join("\n"),
    notify: (p.envelope?.dsn?.notify ?? []) as Notify[],
    authMech: p.auth?.mechanism ?? "",
    authUser: p.auth?.user ?? "",
    password: "",
    remember: Boolean(p.auth?.secret_ref),
    subject: p.message?.subject ?? "",
    body: p.message?.body ?? "",
    headers: (p.message?.headers ?? []).map((h) => ({ name: h.name, value: h.value })),
    stopAfter: (p.stop_after ?? "") as StopAfter,
    timeouts: {
      connect: p.timeouts?.connect ?? "",
      banner: p.timeouts?.banner ?? "",
      command: p.timeouts?.command ?? "",
      dataBlock: p.timeouts?.data_block ?? "",
      finalDot: p.timeouts?.final_dot ?? "",
    },
    // A saved profile keeps its own choice; a file without the field is
    // one from before pipelining was offered, which ran lock-step.
    pipelining: Boolean(p.pipelining),
    chunking: Boolean(p.chunking),
    insecureSkipVerify: Boolean(t.insecure_skip_verify),
    caFile: t.ca_file ?? "",
    tlsMin: (TLS_MIN_VERSIONS.includes(t.tls_min as TLSMin) ? t.tls_min : "") as TLSMin,
    ret: (p.envelope?.dsn?.ret === "full" || p.envelope?.dsn?.ret === "hdrs" ? p.envelope.dsn.ret : "") as Ret,
    envid: p.envelope?.dsn?.envid ?? "",
    orcpt: Boolean(p.envelope?.dsn?.orcpt),
    forceDsn: Boolean(p.envelope?.dsn?.force_dsn),
  };
}
