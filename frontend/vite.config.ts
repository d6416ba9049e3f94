import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The Wails dev server proxies to Vite; a fixed port keeps `wails dev`
// predictable in the end-to-end harness.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: false },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
