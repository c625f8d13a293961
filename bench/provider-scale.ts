/**
 * bench/provider-scale: `pulumi up` of N ByokConfiguration resources (N platform accounts, each
 * with its own customer KMS key and role in moto) against `pulumi up` of N no-op resources, in
 * the same run with the real CLI, and the platform API calls per resource per operation. Two pairs:
 *
 * - dynamic: the dynamic resource against a no-op dynamic resource. Goals (printed): create ≤ 1.2×,
 *   no change ≤ 1.1×, destroy ≤ 1.1× the no-op baseline.
 * - plugin: `ekm:index:ByokConfiguration` of the ekm provider plugin against a no-op provider
 *   plugin built the same way (the same plugin tarball, @pulumi/pulumi/provider, node, a launcher
 *   script, `pulumi plugin install --file`). Goals: create ≤ 1.15×, no change ≤ 1.05×,
 *   destroy ≤ 1.1×. Also the start-up time of each plugin (launch to the port on stdout).
 *
 *   npx tsx bench/provider-scale.ts          # BENCH_N=50 BENCH_ROUNDS=3 by default
 *   BENCH_PAIRS=plugin npx tsx bench/provider-scale.ts   # one pair only (dynamic, plugin)
 *
 * Both programs are projects of the same temporary install of this package's `npm pack`
 * tarball (test/support/pulumi.ts), both import "pulumi-ekm" (so program load and type
 * checking cost the same) and give their resources the same inputs; only the provider differs.
 * Rounds alternate which side goes first; each side's figure is its median. The platform runs
 * in this process with the default settings a real platform has (no trust-policy inspection),
 * and the stack uses the admin token (EKM_API_TOKEN), the one token that reaches N accounts.
 * Accounts and customer keys are provisioned before any timing. Every server started here is
 * stopped at the end, and the temporary project is removed.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultCustomerKeys, defaultSettings, type PlatformSettings } from "../platform";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer, useAwsEndpoint } from "../test/support/awsCustomer";
import { startMoto } from "../test/support/moto";
import { startTestPlatform } from "../test/support/platform";
import { installPlugin, pluginTarball, PLUGIN_VERSION } from "../test/support/providerPlugin";
import { createUserProject, exec, initStack, platformCalls, pulumiOk, timings, totalCalls, type UserProject } from "../test/support/pulumi";

const N = Number(process.env.BENCH_N ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The resources' inputs, the same for both programs (read from accounts.json in the project). */
interface Entry {
  readonly accountId: string;
  readonly keyArn: string;
  readonly roleArn: string;
}

const BYOK_PROGRAM = `import * as fs from "fs";
import { ByokConfiguration } from "pulumi-ekm";

const entries: { accountId: string; keyArn: string; roleArn: string }[] = JSON.parse(fs.readFileSync("accounts.json", "utf8"));
export const statuses = entries.map(
  (e, i) =>
    new ByokConfiguration(\`byok-\${i}\`, {
      accountId: e.accountId,
      config: { provider: "aws", aws: { keyArn: e.keyArn, roleArn: e.roleArn } },
      nickname: \`bench key \${i}\`,
      activationDate: "2020-01-01",
    }).status,
);
`;

const NOOP_PROGRAM = `import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
// Required, not imported: the project's moduleResolution (node10) reads no "exports" subpaths for types.
const { BYOK_CONFIGURATION_MODULE } = require("pulumi-ekm/dynamic-providers") as { BYOK_CONFIGURATION_MODULE: string };

// A dynamic provider that does nothing: create returns an id and echoes the inputs; the
// default diff, update and delete of dynamic providers apply.
const noop: pulumi.dynamic.ResourceProvider = {
  async create(inputs: any) {
    return { id: \`noop-\${inputs.accountId}\`, outs: { ...inputs, status: "active" } };
  },
};

class Noop extends pulumi.dynamic.Resource {
  declare readonly status: pulumi.Output<string>;
  constructor(name: string, props: Record<string, pulumi.Input<unknown>>) {
    super(noop, name, { ...props, status: undefined }, undefined, BYOK_CONFIGURATION_MODULE, "Noop");
  }
}

const entries: { accountId: string; keyArn: string; roleArn: string }[] = JSON.parse(fs.readFileSync("accounts.json", "utf8"));
export const statuses = entries.map(
  (e, i) =>
    new Noop(\`noop-\${i}\`, {
      accountId: e.accountId,
      config: { provider: "aws", aws: { keyArn: e.keyArn, roleArn: e.roleArn } },
      nickname: \`bench key \${i}\`,
      activationDate: "2020-01-01",
    }).status,
);
`;


/** The plugin's resource from a Node program: the same inputs, registered by type token (the plugin has no Node SDK). */
const PLUGIN_BYOK_PROGRAM = `import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";

class Registered extends pulumi.CustomResource {
  declare readonly status: pulumi.Output<string>;
  constructor(name: string, props: Record<string, pulumi.Input<unknown>>) {
    super("ekm:index:ByokConfiguration", name, { ...props, status: undefined });
  }
}

const entries: { accountId: string; keyArn: string; roleArn: string }[] = JSON.parse(fs.readFileSync("accounts.json", "utf8"));
export const statuses = entries.map(
  (e, i) =>
    new Registered(\`byok-\${i}\`, {
      accountId: e.accountId,
      config: { provider: "aws", aws: { keyArn: e.keyArn, roleArn: e.roleArn } },
      nickname: \`bench key \${i}\`,
      activationDate: "2020-01-01",
    }).status,
);
`;

/** The no-op plugin's resource, with the same inputs. */
const PLUGIN_NOOP_PROGRAM = PLUGIN_BYOK_PROGRAM.replace('"ekm:index:ByokConfiguration"', '"ekmnoop:index:Noop"').replace("`byok-", "`noop-");

/**
 * The no-op provider plugin: @pulumi/pulumi/provider's main with a create that echoes the inputs
 * (the host's defaults for the rest: check passes the inputs, diff leaves it to the engine, read
 * returns the state, delete does nothing). It runs from the ekm plugin's own folder layout, so it
 * starts the same node with the same @pulumi/pulumi.
 */
const NOOP_PLUGIN_MAIN = `const provider = require("@pulumi/pulumi/provider");
provider.main({
  version: process.env.NOOP_VERSION || "${PLUGIN_VERSION}",
  schema: JSON.stringify({ name: "ekmnoop", version: "${PLUGIN_VERSION}", resources: { "ekmnoop:index:Noop": { inputProperties: {}, properties: {} } } }),
  async create(urn, inputs) {
    return { id: "noop-" + inputs.accountId, outs: { ...inputs, status: "active" } };
  },
}, process.argv.slice(2));
`;

/** A plugin tarball for `ekmnoop`: the ekm plugin's folder (node_modules included) with the no-op entry point and its launcher. */
async function noopPluginTarball(): Promise<string> {
  const { tgz } = await pluginTarball();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ekm-noop-plugin-"));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  const root = path.join(dir, "plugin");
  fs.mkdirSync(root);
  await exec("tar", ["-xzf", tgz, "-C", root], { cwd: dir });
  fs.writeFileSync(path.join(root, "noop.js"), NOOP_PLUGIN_MAIN);
  fs.writeFileSync(path.join(root, "pulumi-resource-ekmnoop"), '#!/bin/sh\nexec node "$(dirname "$(readlink -f "$0")")/noop.js" "$@"\n', { mode: 0o755 });
  const out = path.join(dir, "pulumi-resource-ekmnoop.tar.gz");
  await exec("tar", ["-czf", out, "-C", root, "."], { cwd: dir });
  return out;
}

/** Milliseconds from spawning a plugin's launcher to its port on stdout (the engine waits for exactly that), median of `n`. */
async function startupMs(launcher: string, n = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    times.push(
      await new Promise<number>((resolve, reject) => {
        const started = process.hrtime.bigint();
        // An engine address nothing listens on: the plugin only dials it when it logs.
        const child = spawn(launcher, ["127.0.0.1:9"], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
          out += d;
          if (/^\d+\n/.test(out)) {
            resolve(Number(process.hrtime.bigint() - started) / 1e6);
            child.kill("SIGKILL");
          }
        });
        child.once("exit", (code) => {
          if (!/^\d+\n/.test(out)) reject(new Error(`${launcher} exited with ${code} before printing its port:\n${err}`));
        });
      }),
    );
  }
  return median(times);
}

/** Mean server time per request by route (the platform logs `ms` on each request line), from index `since` on. */
function latencies(logs: readonly string[], since: number): Record<string, number> {
  const sums: Record<string, { n: number; ms: number }> = {};
  for (const line of logs.slice(since)) {
    const e = JSON.parse(line) as { message?: string; route?: string; ms?: number };
    if (e.message !== "request" || !e.route || typeof e.ms !== "number") continue;
    const s = (sums[e.route] ??= { n: 0, ms: 0 });
    s.n += 1;
    s.ms += e.ms;
  }
  return Object.fromEntries(Object.entries(sums).map(([route, s]) => [route, s.ms / s.n]));
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Runs `fn` on at most `limit` items at a time. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}



type Op = "up (create)" | "up (no change)" | "destroy";
const OPS: readonly Op[] = ["up (create)", "up (no change)", "destroy"];
type Pair = "dynamic" | "plugin";
/** Goals per pair and operation: time as a multiple of the no-op baseline, and platform calls per resource. */
const GOALS: Readonly<Record<Pair, Readonly<Record<Op, { ratio: number; calls: number }>>>> = {
  dynamic: { "up (create)": { ratio: 1.2, calls: 2 }, "up (no change)": { ratio: 1.1, calls: 0 }, destroy: { ratio: 1.1, calls: 1 } },
  // The plugin's check cannot tell a preview from an update, so it dry-runs in both (see provider/plugin.ts).
  plugin: { "up (create)": { ratio: 1.15, calls: 3 }, "up (no change)": { ratio: 1.05, calls: 0 }, destroy: { ratio: 1.1, calls: 1 } },
};
const LABELS: Readonly<Record<Pair, { noop: string; byok: string }>> = {
  dynamic: { noop: "no-op dynamic", byok: "ByokConfiguration" },
  plugin: { noop: "no-op plugin", byok: "ekm:index:ByokConfiguration" },
};

/** Runs ROUNDS rounds of create, no change and destroy on both projects of a pair, and prints the table and the goals. */
async function comparePair(pair: Pair, projects: Record<"noop" | "byok", UserProject>, entries: readonly Entry[], tp: Awaited<ReturnType<typeof startTestPlatform>>, env: Record<string, string>): Promise<void> {
  const times: Record<"noop" | "byok", Record<Op, number[]>> = {
    noop: { "up (create)": [], "up (no change)": [], destroy: [] },
    byok: { "up (create)": [], "up (no change)": [], destroy: [] },
  };
  const calls: Record<Op, Record<string, number>[]> = { "up (create)": [], "up (no change)": [], destroy: [] };
  const serverMs: Record<Op, Record<string, number>[]> = { "up (create)": [], "up (no change)": [], destroy: [] };
  const commands: Record<Op, string[]> = { "up (create)": ["up", "--yes"], "up (no change)": ["up", "--yes"], destroy: ["destroy", "--yes"] };
  console.log(`\n== ${pair}: ${N} ${LABELS[pair].noop} / ${N} ${LABELS[pair].byok}`);
  for (let round = 0; round < ROUNDS; round++) {
    const order: ("noop" | "byok")[] = round % 2 === 0 ? ["noop", "byok"] : ["byok", "noop"];
    for (const kind of order) {
      for (const op of OPS) {
        const mark = tp.logs.length;
        const r = await pulumiOk(projects[kind], commands[op], { stack: "bench", env });
        times[kind][op].push(r.ms);
        if (kind === "byok") {
          calls[op].push(platformCalls(tp.logs, mark));
          serverMs[op].push(latencies(tp.logs, mark));
        }
      }
    }
    const live = await Promise.all(entries.map((e) => tp.admin.getKeyManagement(e.accountId)));
    const left = live.filter((s) => s.mode !== "platform-managed").length;
    if (left > 0) throw new Error(`${pair} round ${round + 1}: ${left} accounts still have BYOK after destroy`);
    console.log(`round ${round + 1}: ${OPS.map((op) => `${op} ${secs(times.noop[op][round])} / ${secs(times.byok[op][round])}`).join("; ")}`);
  }

  console.log("");
  const [l0, l1] = [LABELS[pair].noop, LABELS[pair].byok].map((l) => `${N} ${l}`);
  console.log(`operation        | ${l0} | ${l1} | ratio`);
  for (const op of OPS) {
    const [a, b] = [median(times.noop[op]), median(times.byok[op])];
    console.log(`${op.padEnd(16)} | ${secs(a).padStart(l0.length)} | ${secs(b).padStart(l1.length)} | ${(b / a).toFixed(2).padStart(5)}`);
  }
  console.log("");
  for (const op of OPS) {
    const ratio = median(times.byok[op]) / median(times.noop[op]);
    const perResource = median(calls[op].map(totalCalls)) / N;
    const g = GOALS[pair][op];
    console.log(`${op}: ${ratio.toFixed(2)}× (goal ≤ ${g.ratio}×: ${ratio <= g.ratio ? "met" : "NOT met"}), ${perResource.toFixed(2)} platform calls per resource (goal ≤ ${g.calls}: ${perResource <= g.calls ? "met" : "NOT met"})`);
  }
  console.log(`\nplatform API calls per resource per operation (median over rounds, each divided by ${N}; mean server time per call):`);
  for (const op of OPS) {
    const routes = [...new Set(calls[op].flatMap((c) => Object.keys(c)))].sort();
    const per = routes.map((route) => {
      const ms = median(serverMs[op].map((m) => m[route] ?? 0));
      return `${route} ${(median(calls[op].map((c) => c[route] ?? 0)) / N).toFixed(2)} (${ms.toFixed(0)} ms each)`;
    });
    console.log(`  ${op.padEnd(16)} ${(median(calls[op].map(totalCalls)) / N).toFixed(2)} total${per.length ? `: ${per.join(", ")}` : ""}`);
  }
}

async function main(): Promise<void> {
  const pairs = (process.env.BENCH_PAIRS ?? "dynamic,plugin").split(",").map((p) => p.trim()) as Pair[];
  const moto = await startMoto();
  const restoreAws = useAwsEndpoint(moto.endpoint);
  const settings: PlatformSettings = { ...defaultSettings({}), awsPrincipalArn: MOTO_PLATFORM_PRINCIPAL };
  const tp = await startTestPlatform({ settings, maintenanceIntervalMs: 3_600_000, customerKeys: defaultCustomerKeys(settings, {}) });
  try {
    const setupStarted = Date.now();
    const entries: Entry[] = await pool(Array.from({ length: N }, (_, i) => i), 8, async (i) => {
      const a = await tp.newAccount(`bench-${i}`);
      const trust = await a.client.getTrust(a.accountId);
      const c = await provisionCustomer(moto.endpoint, { accountId: a.accountId, externalId: trust.aws!.externalId });
      return { accountId: a.accountId, keyArn: c.keyArn, roleArn: c.roleArn };
    });
    const env = { EKM_PLATFORM_URL: tp.url, EKM_API_TOKEN: tp.adminToken };
    const setUp = async (name: string, program: string) => {
      const p = await createUserProject({ name, indexTs: program });
      fs.writeFileSync(path.join(p.dir, "accounts.json"), JSON.stringify(entries));
      await initStack(p, "bench");
      return p;
    };
    const projects: Partial<Record<Pair, Record<"noop" | "byok", UserProject>>> = {};
    if (pairs.includes("dynamic")) projects.dynamic = { noop: await setUp("bench-noop", NOOP_PROGRAM), byok: await setUp("bench-byok", BYOK_PROGRAM) };
    let startup = "";
    if (pairs.includes("plugin")) {
      const plugin = { noop: await setUp("bench-plugin-noop", PLUGIN_NOOP_PROGRAM), byok: await setUp("bench-plugin-byok", PLUGIN_BYOK_PROGRAM) };
      const noopTgz = await noopPluginTarball();
      for (const p of [plugin.noop, plugin.byok]) {
        await installPlugin(p);
        await pulumiOk(p, ["plugin", "install", "resource", "ekmnoop", PLUGIN_VERSION, "--file", noopTgz]);
      }
      projects.plugin = plugin;
      const dir = (name: string) => path.join(plugin.byok.home, "plugins", `resource-${name}-v${PLUGIN_VERSION}`, `pulumi-resource-${name}`);
      const [ekmMs, noopMs] = [await startupMs(dir("ekm")), await startupMs(dir("ekmnoop"))];
      startup = `plugin start-up (launch to port, median of 7): ekm ${ekmMs.toFixed(0)} ms, no-op ${noopMs.toFixed(0)} ms (${(ekmMs / noopMs).toFixed(2)}×); plugin tarball made in ${(await pluginTarball()).ms} ms`;
    }
    console.log(
      `bench/provider-scale (N = ${N} resources, ${ROUNDS} rounds, pairs ${pairs.join(", ")}, Pulumi CLI ${execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim()}, Node ${process.version})\n` +
        `setup ${secs(Date.now() - setupStarted)} (pack ${timings.packMs} ms, npm install ${timings.installReused ? "reused" : `${timings.installMs} ms`}, ${N} accounts + moto keys)` +
        (startup ? `\n${startup}` : ""),
    );
    for (const pair of pairs) await comparePair(pair, projects[pair]!, entries, tp, env);
  } finally {
    await tp.close();
    restoreAws();
    await moto.stop();
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exitCode = 1;
});
