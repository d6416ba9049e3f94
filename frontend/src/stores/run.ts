// Starting and cancelling a test: subscribe to the session's events first,
// then call StartTest; the result it returns is authoritative.
import { backend, errorText } from "../api/backend";
import type { RunResult } from "../api/types";
import { langStore } from "../i18n";
import { splitRecipients } from "../lib/validation";
import { appendEntries, applyStep, beginSession, failSession, finishSession, sessionStore } from "./session";
import { formStore, timeoutsToGo, type Form } from "./form";

/** The wizard's form as the Go TestRequest. */
export function formToRequest(f: Form, lang: string, profileId = "") {
  return {
    lang,
    mode: f.mode,
    domain: f.mode === "host" ? "" : f.domain.trim(),
    host: f.mode === "host" ? f.host.trim() : f.mode === "mx" ? f.mxHost : "",
    port: f.port.trim() === "" ? 0 : Number(f.port),
    tls: f.tls,
    dns_server: f.dnsServer.trim(),
    ehlo: f.ehlo.trim(),
    from: f.from.trim(),
    to: splitRecipients(f.to),
    notify: f.notify,
    auth_mech: f.authMech,
    auth_user: f.authUser.trim(),
    password: f.password,
    subject: f.subject,
    body: f.body,
    headers: f.headers.filter((h) => h.name.trim() !== ""),
    stop_after: f.stopAfter,
    timeouts: timeoutsToGo(f.timeouts),
    pipelining: f.pipelining,
    chunking: f.chunking,
    insecure_skip_verify: f.tls !== "none" && f.insecureSkipVerify,
    ca_file: f.tls === "none" ? "" : f.caFile.trim(),
    tls_min: f.tls === "none" ? "" : f.tlsMin,
    ret: f.ret,
    envid: f.envid.trim(),
    orcpt: f.orcpt,
    force_dsn: f.forceDsn,
    allow_plaintext_auth: f.authMech !== "" && f.allowPlaintextAuth,
    // Go reads a remembered password from the keyring by this id when the
    // password box is empty, so the secret never passes through here.
    profile_id: profileId,
  };
}

function newID(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `s-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Runs a test with the form; resolves with the result (or null on a binding failure). */
export async function runTest(f: Form): Promise<RunResult | null> {
  const id = newID();
  beginSession(id);
  const offs = [
    backend.onSessionEntries(id, (batch) => appendEntries(id, batch)),
    backend.onSessionStep(id, (ev) => applyStep(id, ev)),
  ];
  try {
    const r: RunResult = await backend.startTest(id, formToRequest(f, langStore.get(), formStore.get().profileId));
    finishSession(id, r);
    return r;
  } catch (e) {
    failSession(id, errorText(e));
    return null;
  } finally {
    offs.forEach((off) => off());
  }
}

export function cancelRun(): void {
  const s = sessionStore.get();
  if (s.status === "running") void backend.cancelTest(s.id);
}
