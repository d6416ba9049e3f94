// Typed access to the Go backend through the generated Wails bindings. Every
// call the UI makes goes through here, so components never touch window.go.
import * as Exports from "../../wailsjs/go/desktop/Exports";
import * as History from "../../wailsjs/go/desktop/History";
import * as Info from "../../wailsjs/go/desktop/Info";
import * as MX from "../../wailsjs/go/desktop/MX";
import * as Profiles from "../../wailsjs/go/desktop/Profiles";
import * as Receiver from "../../wailsjs/go/desktop/Receiver";
import * as SenderChecks from "../../wailsjs/go/desktop/SenderChecks";
import * as Sessions from "../../wailsjs/go/desktop/Sessions";
import * as SettingsService from "../../wailsjs/go/desktop/Settings";
import * as TLS from "../../wailsjs/go/desktop/TLS";
import { desktop, history, profile, sendercheck } from "../../wailsjs/go/models";
import { ClipboardSetText, EventsOn } from "../../wailsjs/runtime/runtime";
import { EventReceiverChanged, EventSessionEntries, EventSessionStep } from "./events.gen";
import type { Data, Entry, RunResult, StepEvent } from "./types";
import { langStore } from "../i18n";

export type Settings = Data<desktop.UserSettings>;
export type MXResult = desktop.MXResult;
export type ProfileEntry = desktop.ProfileEntry;
export type Profile = Data<profile.Profile>;
export type ReceiverStatus = desktop.ReceiverStatus;
export type HistoryFilter = Data<desktop.HistoryFilter>;
export type HistoryRunSummary = history.Run;
export type HistoryRun = desktop.HistoryRun;
export type HistoryComparison = desktop.HistoryComparison;
export type HistoryRetention = Data<desktop.HistoryRetention>;
export type SenderResult = desktop.SenderResult;
export type SenderReport = Data<sendercheck.Report>;
export type SenderFinding = Data<sendercheck.Finding>;
/** The formats ExportResult writes (report.WriteAll picks the renderer from the extension). */
export type ExportFormat = "text" | "html" | "json" | "raw";

/** Turns a rejected binding call (a string or an Error) into a message. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * The UI language every text-rendering call passes to Go: the one the
 * window shows, which settings.ts loads from and saves to Go's settings.
 * Go never reads its settings file to guess it.
 */
const ui = (): string => langStore.get();

export const backend = {
  version: (): Promise<string> => Info.Version(),
  defaultEHLO: (): Promise<string> => Info.DefaultEHLO(),
  getSettings: (): Promise<Settings> => SettingsService.GetSettings(),
  saveSettings: (s: Partial<Settings>): Promise<void> => SettingsService.SaveSettings(desktop.UserSettings.createFrom(s)),
  saveWindowState: (): Promise<void> => SettingsService.SaveWindowState(),
  lookupMX: (domain: string, dnsServer: string, lang: string): Promise<MXResult> =>
    MX.LookupMX(desktop.MXRequest.createFrom({ domain, dns_server: dnsServer, lang })),
  checkSender: (req: Partial<desktop.SenderRequest>): Promise<SenderResult> =>
    SenderChecks.Check(desktop.SenderRequest.createFrom({ dnsbl: [], dbl: [], ...req, lang: ui() })),
  listProfiles: (): Promise<ProfileEntry[]> => Profiles.ListProfiles(ui()),
  getProfile: (id: string): Promise<Profile> => Profiles.GetProfile(id, ui()),
  saveProfile: (p: Profile, secret: string): Promise<desktop.SavedProfile> => Profiles.SaveProfile(profile.Profile.createFrom(p), secret, ui()),
  deleteProfile: (id: string): Promise<void> => Profiles.DeleteProfile(id, ui()),
  duplicateProfile: (id: string): Promise<Profile> => Profiles.DuplicateProfile(id, ui()),
  importProfile: (): Promise<Profile | null> => Profiles.ImportProfile(ui()),
  exportProfile: (id: string): Promise<string> => Profiles.ExportProfile(id, ui()),
  startTest: (id: string, req: object): Promise<RunResult> =>
    Sessions.StartTest(id, desktop.TestRequest.createFrom(req)),
  cancelTest: (id: string): Promise<void> => Sessions.CancelTest(id),
  startReceiver: (req: Partial<desktop.ReceiverRequest>): Promise<desktop.ReceiverStatus> =>
    Receiver.StartReceiver(desktop.ReceiverRequest.createFrom(req)),
  stopReceiver: (): Promise<void> => Receiver.StopReceiver(),
  receiverState: (): Promise<desktop.ReceiverStatus> => Receiver.ReceiverState(),
  startDemo: (lang: string): Promise<desktop.ReceiverStatus> => Receiver.StartDemo(lang),
  exportResult: (sessionID: string, format: ExportFormat): Promise<string> => Exports.ExportResult(sessionID, format, ui()),
  copyAsSwaks: (p: Profile): Promise<string> => Exports.CopyAsSwaks(profile.Profile.createFrom(p), ui()),
  copyAsTelnet: (p: Profile, lang: string): Promise<string> => Exports.CopyAsTelnet(profile.Profile.createFrom(p), lang),
  copyText: (text: string): Promise<boolean> => ClipboardSetText(text),
  /** The native open dialog for the CA file; "" when cancelled. */
  pickCAFile: (): Promise<string> => TLS.PickCAFile(ui()),
  /** Saves the chain run host of session id presented as PEM; the path, or "" when cancelled. */
  saveCertificate: (sessionID: string, host: number): Promise<string> => TLS.SaveCertificate(sessionID, host, ui()),
  /** Transcript batches of session id; returns the unsubscribe function. */
  onSessionEntries: (id: string, cb: (batch: Entry[]) => void): (() => void) => EventsOn(EventSessionEntries(id), cb),
  /** Step changes of session id; returns the unsubscribe function. */
  onSessionStep: (id: string, cb: (ev: StepEvent) => void): (() => void) =>
    EventsOn(EventSessionStep(id), cb),
  /** Stored runs (app and command line) matching f, newest first. */
  listRuns: (f: Partial<HistoryFilter>): Promise<HistoryRunSummary[]> => History.ListRuns(desktop.HistoryFilter.createFrom(f), ui()),
  /** A stored run with its Result JSON, as it was. */
  getRun: (id: number): Promise<HistoryRun> => History.GetRun(id, ui()),
  /** What changed from run a to run b, in the UI language. */
  compareRuns: (a: number, b: number): Promise<HistoryComparison> => History.CompareRuns(a, b, ui()),
  deleteRun: (id: number): Promise<void> => History.DeleteRun(id, ui()),
  historyRetention: (): Promise<HistoryRetention> => History.Retention(ui()),
  setHistoryRetention: (r: HistoryRetention): Promise<void> => History.SetRetention(desktop.HistoryRetention.createFrom(r), ui()),
  /** Once: the message about a damaged history database moved aside; "" when none. */
  historyNotice: (): Promise<string> => History.Notice(ui()),
  /** The built-in receiver's connections or messages changed. */
  onReceiverChanged: (cb: () => void): (() => void) => EventsOn(EventReceiverChanged, cb),
};
