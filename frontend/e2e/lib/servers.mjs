// Starts the loopback test servers (e2e/servers: receiver, tarpit, DNS) as a
// child process and returns their addresses. The child exits when its stdin
// closes, so it never outlives the test run.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

let binary = "";

function build() {
  if (binary) return binary;
  const dir = mkdtempSync(path.join(tmpdir(), "smtpprobe-e2e-servers-"));
  binary = path.join(dir, "servers");
  execFileSync("go", ["build", "-o", binary, "."], { stdio: "inherit", cwd: path.join(here, "..", "servers") });
  return binary;
}

/** @returns {Promise<{smtp: string, port: number, tarpit: number, dns: string, stop: () => void}>} */
export async function startServers() {
  const child = spawn(build(), [], { stdio: ["pipe", "pipe", "inherit"] });
  const rl = createInterface({ input: child.stdout });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("e2e servers did not start within 30 s")), 30000);
    rl.once("line", (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once("exit", (code) => reject(new Error(`e2e servers exited with ${code}`)));
  });
  const addrs = JSON.parse(line);
  return {
    ...addrs,
    stop() {
      child.stdin.end();
      child.kill("SIGTERM");
    },
  };
}
