// Typed access to the Go backend through the generated Wails bindings. Every
// call the UI makes goes through here, so components never touch window.go.
import { Version } from "../../wailsjs/go/main/App";

export const backend = {
  version: (): Promise<string> => Version(),
};
