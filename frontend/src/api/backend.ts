// Typed access to the Go backend through the generated Wails bindings. Every
// call the UI makes goes through here, so components never touch window.go.
import * as App from "../../wailsjs/go/main/App";
import { main, profile } from "../../wailsjs/go/models";
import { ClipboardSetText, EventsOn } from "../../wailsjs/runtime/runtime";

export type Settings = main.Settings;
export type MXResult = main.MXResult;
export type ProfileEntry = main.ProfileEntry;
export type Profile = profile.Profile;
export type ReceiverStatus = main.ReceiverStatus;
/** The formats ExportResult writes (report.WriteAll picks the renderer from the extension). */
export type ExportFormat = "text" | "html" | "json" | "raw";

/** Turns a rejected binding call (a string or an Error) into a message. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export const backend = {
  version: (): Promise<string> => App.Version(),
  defaultEHLO: (): Promise<string> => App.DefaultEHLO(),
  getSettings: (): Promise<Settings> => App.GetSettings(),
  saveSettings: (s: Partial<Settings>): Promise<void> => App.SaveSettings(main.Settings.createFrom(s)),
  saveWindowState: (): Promise<void> => App.SaveWindowState(),
  lookupMX: (domain: string, dnsServer: string, lang: string): Promise<MXResult> =>
    App.LookupMX(main.MXRequest.createFrom({ domain, dns_server: dnsServer, lang })),
  listProfiles: (): Promise<ProfileEntry[]> => App.ListProfiles(),
  getProfile: (id: string): Promise<Profile> => App.GetProfile(id),
  saveProfile: (p: Profile, secret: string): Promise<main.SavedProfile> => App.SaveProfile(p, secret),
  deleteProfile: (id: string): Promise<void> => App.DeleteProfile(id),
  duplicateProfile: (id: string): Promise<Profile> => App.DuplicateProfile(id),
  importProfile: (): Promise<Profile | null> => App.ImportProfile(),
  exportProfile: (id: string): Promise<string> => App.ExportProfile(id),
  startTest: (id: string, req: object): Promise<main.RunResult> =>
    App.StartTest(id, main.TestRequest.createFrom(req)),
  cancelTest: (id: string): Promise<void> => App.CancelTest(id),
  startReceiver: (req: Partial<main.ReceiverRequest>): Promise<main.ReceiverStatus> =>
    App.StartReceiver(main.ReceiverRequest.createFrom(req)),
  stopReceiver: (): Promise<void> => App.StopReceiver(),
  receiverState: (): Promise<main.ReceiverStatus> => App.ReceiverState(),
  startDemo: (lang: string): Promise<main.ReceiverStatus> => App.StartDemo(lang),
  exportResult: (sessionID: string, format: ExportFormat): Promise<string> => App.ExportResult(sessionID, format),
  copyAsSwaks: (p: Profile): Promise<string> => App.CopyAsSwaks(p),
  copyAsTelnet: (p: Profile, lang: string): Promise<string> => App.CopyAsTelnet(p, lang),
  copyText: (text: string): Promise<boolean> => ClipboardSetText(text),
  /** The native open dialog for the CA file; "" when cancelled. */
  pickCAFile: (): Promise<string> => App.PickCAFile(),
  /** Saves the chain run host of session id presented as PEM; the path, or "" when cancelled. */
  saveCertificate: (sessionID: string, host: number): Promise<string> => App.SaveCertificate(sessionID, host),
  on: (event: string, cb: (...data: unknown[]) => void): (() => void) => EventsOn(event, cb),
};
