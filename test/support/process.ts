// Child-process plumbing shared by the real-part harnesses: run a bootstrap script,
// start a server in its own process group, keep the tail of its output, stop it.
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");

/** Runs a bootstrap script and returns the last non-empty line of its stdout. */
export function runBootstrap(script: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [script], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.once("error", reject);
    child.once("close", (code) => {
      const last = stdout.split("\n").map((l) => l.trim()).filter(Boolean).pop();
      if (code === 0 && last) resolve(last);
      else reject(new Error(`${path.relative(repoRoot, script)} exited with ${code}:\n${stderr.slice(-4000)}${stdout.slice(-1000)}`));
    });
  });
}

/** A server process started in its own process group, with the tail of its output kept. */
export class ServerProcess {
  readonly child: ChildProcess;
  private output = "";
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitPromise: Promise<void>;
  private readonly onParentExit = () => this.killGroup("SIGKILL");

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string; maxOutput?: number } = {},
  ) {
    const maxOutput = options.maxOutput ?? 20_000;
    this.child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // own process group, so stop() reaches every descendant
    });
    const keep = (d: Buffer) => {
      this.output += d.toString("utf8");
      if (this.output.length > maxOutput) this.output = this.output.slice(-maxOutput);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.exitPromise = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exited = { code, signal };
        process.removeListener("exit", this.onParentExit);
        resolve();
      });
      this.child.once("error", (err) => {
        this.output += `\n[spawn error] ${err.message}`;
        this.exited = { code: -1, signal: null };
        process.removeListener("exit", this.onParentExit);
        resolve();
      });
    });
    process.on("exit", this.onParentExit);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last lines the server printed (stdout and stderr mixed). */
  tail(chars = 4000): string {
    return this.output.slice(-chars);
  }

  /** An error when the process has already exited, for waitFor's abort hook. */
  exitError(): Error | undefined {
    if (!this.exited) return undefined;
    return new Error(
      `${this.name} exited early (code ${this.exited.code}, signal ${this.exited.signal}); its output:\n${this.tail()}`,
    );
  }

  get running(): boolean {
    return this.exited === undefined;
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is already gone
    }
  }

  /** SIGKILL to the process group at once (a crash); resolves when the child has exited. */
  async kill9(): Promise<void> {
    this.killGroup("SIGKILL");
    await this.exitPromise;
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the child has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    this.killGroup("SIGTERM");
    const timer = setTimeout(() => this.killGroup("SIGKILL"), graceMs);
    try {
      await this.exitPromise;
    } finally {
      clearTimeout(timer);
    }
  }
}
