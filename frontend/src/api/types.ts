// What the frontend needs beyond the models Wails generates from Go
// (wailsjs/go/models.ts): every type Go sends is one of those models, or an
// event payload generated from Go into events.gen.ts; this file only strips
// their conversion helpers and names them.
import type { desktop, diagnose, lang, tlsreport } from "../../wailsjs/go/models";

/**
 * The data of a generated model: its fields, without the convertValues
 * helper the classes carry, so a plain object (an event payload, a test
 * fixture) is one.
 */
export type Data<T> = T extends (infer U)[]
  ? Data<U>[]
  : T extends object
    ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Data<T[K]> }
    : T;

export type Entry = Data<desktop.EntryDTO>;
export type Step = Data<desktop.StepDTO>;
export type HostRun = Data<desktop.HostRun>;
export type RunResult = Data<desktop.RunResult>;
export type Evaluation = Data<diagnose.Evaluation>;
export type Headline = Data<diagnose.Headline>;
export type Text2 = Data<lang.Text>;
export type TLSReport = Data<tlsreport.Report>;
export type TLSCert = Data<tlsreport.Cert>;

/** Transcript directions (backend/transcript.Dir: client, server, info). */
export type Dir = "C" | "S" | "I";
/** Step states (backend/session.StepStatus). */
export type StepStatus = "running" | "ok" | "warning" | "failed" | "skipped";

/**
 * The payload of EventSessionStep (desktop.StepEvent): no bound method
 * returns it, so Wails makes no model of it and internal/desktop/genevents
 * writes its interface from the Go struct.
 */
export type { StepEvent } from "./events.gen";

/** The direction of a transcript line; anything unknown shows as a note. */
export function asDir(d: string): Dir {
  return d === "C" || d === "S" ? d : "I";
}

const stepStatuses: readonly string[] = ["running", "ok", "warning", "failed", "skipped"];

/** The status of a step; anything unknown shows as still running. */
export function asStepStatus(s: string): StepStatus {
  return stepStatuses.includes(s) ? (s as StepStatus) : "running";
}
