// Plain shapes of what the Go backend sends. The generated wailsjs classes
// cover bound method arguments; events carry JSON the generator cannot see,
// so their shapes are declared here (they mirror backend/session's Result
// JSON and app_session.go's DTOs).

export type Dir = "C" | "S" | "I";

/** One transcript line as streamed in session:<id>:entries batches. */
export interface Entry {
  seq: number;
  elapsed_ms: number;
  dir: Dir;
  text: string;
  tls: boolean;
  /** Which MX host the line belongs to in "every MX" runs ("" otherwise). */
  host?: string;
}

export interface Reply {
  code: number;
  enhanced?: string;
  lines: string[];
}

export type StepStatus = "running" | "ok" | "warning" | "failed" | "skipped";

/** Both languages of one text, as backend/lang.Text encodes it. */
export interface Text2 {
  en: string;
  es: string;
}

/** A reply explained, in both languages (backend/diagnose.Evaluation). */
export interface Evaluation {
  class: string;
  code?: number;
  enhanced?: string;
  failure?: string;
  detail?: string;
  severity: "ok" | "info" | "warning" | "error";
  summary: Text2;
  code_meaning: Text2;
  enhanced_meaning: Text2;
  causes: Text2[] | null;
  actions: Text2[] | null;
  references: string[] | null;
}

export interface Step {
  name: string;
  command?: string;
  recipient?: string;
  reply?: Reply | null;
  status: StepStatus;
  duration_ms: number;
  started?: string;
  /** Start offset from the session start, in milliseconds (for the waterfall). */
  offset_ms?: number;
  error?: string;
  error_text?: Text2 | null;
  failure?: string;
  evaluation?: Evaluation | null;
  host?: string;
}

export interface Headline {
  verdict: string;
  severity: "ok" | "info" | "warning" | "error";
  title: Text2;
  cause: Text2;
  actions: Text2[] | null;
  accepted: string[] | null;
  rejected: string[] | null;
  exit_code: number;
}

/** One certificate of the chain the server sent (tlsreport.Cert); every string is escaped in Go. */
export interface TLSCert {
  subject: string;
  issuer: string;
  sans: string[] | null;
  not_before: string;
  not_after: string;
  days_to_expiry: number;
  sha256: string;
  key_type: string;
  key_bits: number;
  is_ca: boolean;
}

/** What the TLS handshake showed (tlsreport.Report). */
export interface TLSReport {
  version: string;
  cipher_suite: string;
  server_name: string;
  verified: boolean;
  skip_verify: boolean;
  name_matches: boolean;
  /** The failure in both languages, null when there was none. */
  problem: ({ kind: string; detail?: string } & Text2) | null;
  chain: TLSCert[] | null;
}

export interface HostRun {
  host: string;
  ip: string;
  port: number;
  mx_preference?: number;
  ok: boolean;
  exit_code: number;
  steps: Step[];
  verdict: Headline;
  warnings: string[] | null;
  extensions: string[] | null;
  error?: string;
  tls?: TLSReport | null;
}

/** The authoritative outcome StartTest returns. */
export interface RunResult {
  id: string;
  ok: boolean;
  exit_code: number;
  canceled: boolean;
  runs: HostRun[];
  transcript: Entry[];
  /** Input rejected before anything was sent: field → message. */
  field_errors?: Record<string, string> | null;
  error?: string;
  /** The raw session result(s) as JSON, for "export JSON". */
  json: string;
}
