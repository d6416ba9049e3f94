/** English strings. Every key must also exist in es.ts (a unit test checks). */
export const en = {
  "app.title": "SMTP Probe",
  "app.tagline": "Test mail flow without telnet",
  "app.version": "Version {version}",
  "app.language": "Language",
  "app.theme": "Theme",
  "theme.light": "Light",
  "theme.dark": "Dark",
  "theme.highContrast": "High contrast",
  "lang.en": "English",
  "lang.es": "Español",
  "wizard.step.destination": "Destination",
  "wizard.step.envelope": "Envelope",
  "wizard.step.message": "Message",
  "wizard.step.run": "Run",
  "wizard.destination.intro": "Where should the test message go? Enter the recipient's domain to look up its mail servers (MX records), or type a server name.",
} as const;

export type MessageKey = keyof typeof en;
