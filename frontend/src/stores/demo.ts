// The first-run demo: start the built-in receiver, fill a profile aimed at
// it and run a whole session, with no network needed.
import { backend } from "../api/backend";
import { emptyForm, formToProfile, markSaved, resetForm, type Form } from "./form";
import { refreshProfiles } from "./profiles";
import { refreshReceiver } from "./receiver";
import { runTest } from "./run";

export async function startDemo(lang: string, profileName: string, setStep: (n: number) => void): Promise<void> {
  const st = await backend.startDemo(lang);
  await refreshReceiver();
  const form: Form = {
    ...emptyForm,
    mode: "host",
    host: st.host,
    port: String(st.port),
    tls: "none",
    from: "demo@smtpprobe.localhost",
    to: "you@smtpprobe.localhost",
    notify: ["success", "failure"],
    subject: "SMTP Probe demo",
    body: "Hello from SMTP Probe.\nThis message went to the built-in test server.",
  };
  resetForm(form);
  const saved = await backend.saveProfile(formToProfile(form, {}, profileName), "");
  markSaved(saved.profile.id, saved.profile.name);
  await refreshProfiles();
  setStep(3);
  await runTest(form);
}
