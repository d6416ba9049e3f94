import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";

// Vite empties dist/ on every build; the committed dist/.gitkeep must come
// back, or `go build` in a clean clone finds nothing to embed.
const keepDistPlaceholder = {
  name: "smtpprobe-keep-dist-placeholder",
  closeBundle() {
    writeFileSync(resolve(import.meta.dirname, "dist/.gitkeep"), "");
  },
};

// The Wails dev server proxies to Vite; a fixed port keeps `wails dev`
// predictable in the end-to-end harness.
export default defineConfig({
  plugins: [react(), keepDistPlaceholder],
  server: { port: 5173, strictPort: false },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
