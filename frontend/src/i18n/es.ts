import type { MessageKey } from "./en";

/** Spanish strings. The type forces a translation for every English key. */
export const es: Record<MessageKey, string> = {
  "app.title": "SMTP Probe",
  "app.tagline": "Pruebe el flujo de correo sin Telnet",
  "app.version": "Versión {version}",
  "app.language": "Idioma",
  "app.theme": "Tema",
  "theme.light": "Claro",
  "theme.dark": "Oscuro",
  "theme.highContrast": "Contraste alto",
  "lang.en": "English",
  "lang.es": "Español",
  "wizard.step.destination": "Destino",
  "wizard.step.envelope": "Sobre",
  "wizard.step.message": "Mensaje",
  "wizard.step.run": "Ejecutar",
  "wizard.destination.intro": "¿Adónde debe ir el mensaje de prueba? Escriba el dominio del destinatario para buscar sus servidores de correo (registros MX) o escriba el nombre de un servidor.",
};
