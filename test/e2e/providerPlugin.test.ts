// The ekm provider plugin end to end, as users run it: the plugin tarball installed with
// `pulumi plugin install resource ekm <version> --file <tgz>`, the real Pulumi CLI with a file://
// backend, the real platform (in this process, SQLite + HTTP on loopback) validating customer
// KMS keys and roles in moto with real AWS calls.
//
// 1. One Pulumi YAML stack (the YAML language host built from Go modules) with two explicit
//    provider instances, each with its own account's token: up → active; a nickname change
//    updates in place; an out-of-band change shows in `preview --refresh`; `pulumi import` adopts
//    a configuration made through the API and prints YAML that round-trips; destroy → platform-
//    managed; no token anywhere in state, config, or the CLI's output.
// 2. A Node stack migrated from the dynamic resource to `ekm:index:ByokConfiguration` with
//    `pulumi state delete` and the `import` resource option: the platform sees no write.
//
// The scenarios of each stack build on each other and run in order.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultCustomerKeys, defaultSettings, type PlatformSettings } from "../../platform";
import type { PlatformClient } from "../../sdk";
import { BYOK_CONFIGURATION_TYPE } from "../../dynamic-providers";
import { TOKENS } from "../../provider/tokens";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer, useAwsEndpoint, type Customer } from "../support/awsCustomer";
import { startMoto, type MotoServer } from "../support/moto";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { repoRoot } from "../support/process";
import { installPlugin, pluginTarball, PLUGIN_VERSION, yamlEnv } from "../support/providerPlugin";
import { createUserProject, filesUnder, findSecrets, initStack, opsOf, parsePreview, platformCalls, pulumiOk, runPulumi, setConfig, stackOutputs, type PulumiResult, type UserProject } from "../support/pulumi";

const STACK = "dev";
const WRITES = ["putByok", "patchByok", "deleteByok"] as const;
const writesIn = (calls: Record<string, number>) => Object.fromEntries(WRITES.filter((w) => calls[w]).map((w) => [w, calls[w]]));
const transcriptOf = (r: PulumiResult) => `pulumi ${r.args.join(" ")} → ${r.code}\n--- stdout ---\n${r.stdout.slice(-5000)}\n--- stderr ---\n${r.stderr.slice(-5000)}`;
const ok = (r: PulumiResult) => expect(r.code, transcriptOf(r)).to.equal(0);

/** The YAML program: two explicit providers, one account each; provider `b` takes the platform URL from EKM_PLATFORM_URL. */
const YAML_PROGRAM = `name: ekm-yaml
runtime: yaml
description: pulumi-ekm end-to-end project (Pulumi YAML)
config:
  platformUrl:
    type: string
  accountA:
    type: string
  keyArnA:
    type: string
  roleArnA:
    type: string
  nicknameA:
    type: string
  tokenA:
    type: string
  accountB:
    type: string
  keyArnB:
    type: string
  roleArnB:
    type: string
  tokenB:
    type: string
outputs:
  statusA: \${byokA.status}
  statusB: \${byokB.status}
resources:
  platformA:
    type: pulumi:providers:ekm
    properties:
      platformUrl: \${platformUrl}
      apiToken: \${tokenA}
  platformB:
    type: pulumi:providers:ekm
    properties:
      apiToken: \${tokenB}
  byokA:
    type: ${TOKENS.byokConfiguration}
    properties:
      accountId: \${accountA}
      config:
        provider: aws
        aws:
          keyArn: \${keyArnA}
          roleArn: \${roleArnA}
      nickname: \${nicknameA}
      activationDate: "2020-01-01"
    options:
      provider: \${platformA}
  byokB:
    type: ${TOKENS.byokConfiguration}
    properties:
      accountId: \${accountB}
      config:
        provider: aws
        aws:
          keyArn: \${keyArnB}
          roleArn: \${roleArnB}
      nickname: Key B
      activationDate: "2020-01-01"
    options:
      provider: \${platformB}
`;

/** The Node program before the migration: the dynamic resource. */
const DYNAMIC_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ByokConfiguration } from "pulumi-ekm";

const config = new pulumi.Config();
const byok = new ByokConfiguration("byok", {
  accountId: config.require("accountId"),
  config: { provider: "aws", aws: { keyArn: config.require("keyArn"), roleArn: config.require("roleArn") } },
  nickname: "Migrated key",
  activationDate: "2020-01-01",
});
export const status = byok.status;
`;

/** The Node program after the migration: the same inputs on the plugin's resource, adopted by id. */
const PLUGIN_PROGRAM = `import * as pulumi from "@pulumi/pulumi";

/** The plugin's resource, registered by its type token (the plugin has no Node SDK). */
class ByokConfiguration extends pulumi.CustomResource {
  declare readonly status: pulumi.Output<string>;
  constructor(name: string, args: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
    super("${TOKENS.byokConfiguration}", name, { ...args, status: undefined }, opts);
  }
}

const config = new pulumi.Config();
const accountId = config.require("accountId");
const byok = new ByokConfiguration(
  "byok",
  {
    accountId,
    config: { provider: "aws", aws: { keyArn: config.require("keyArn"), roleArn: config.require("roleArn") } },
    nickname: "Migrated key",
    activationDate: "2020-01-01",
    adoptExisting: false,
    forceRevertOnDelete: false,
  },
  { import: accountId },
);
export const status = byok.status;
`;

describe("e2e: the ekm provider plugin (plugin tarball, Pulumi YAML, real platform, moto)", function () {
  this.timeout(1_200_000);
  let moto: MotoServer;
  let restoreAws: () => void;
  let tp: TestPlatform;
  const tokens: string[] = [];
  const report: string[] = [];

  interface Onboarded {
    accountId: string;
    token: string;
    client: PlatformClient;
    customer: Customer;
  }
  async function onboard(name: string): Promise<Onboarded> {
    const a = await tp.newAccount(name);
    const trust = await a.client.getTrust(a.accountId);
    const customer = await provisionCustomer(moto.endpoint, { accountId: a.accountId, externalId: trust.aws!.externalId });
    tokens.push(a.token);
    return { ...a, customer };
  }
  async function counted(label: string, run: () => Promise<PulumiResult>): Promise<{ r: PulumiResult; calls: Record<string, number> }> {
    const mark = tp.logs.length;
    const r = await run();
    const calls = platformCalls(tp.logs, mark);
    report.push(`${label.padEnd(40)} ${String(r.ms).padStart(6)} ms  ${JSON.stringify(calls)}`);
    return { r, calls };
  }
  const mode = async (accountId: string) => (await tp.admin.getKeyManagement(accountId)).mode;

  before(async () => {
    moto = await startMoto();
    restoreAws = useAwsEndpoint(moto.endpoint);
    const settings: PlatformSettings = { ...defaultSettings({}), awsPrincipalArn: MOTO_PLATFORM_PRINCIPAL };
    tp = await startTestPlatform({ settings, maintenanceIntervalMs: 3_600_000, customerKeys: defaultCustomerKeys(settings, {}) });
    tokens.push(tp.adminToken);
  });

  after(async () => {
    if (report.length > 0) {
      const { ms } = await pluginTarball();
      console.log(`      plugin tarball made in ${ms} ms; CLI commands (wall time, platform calls):\n${report.map((l) => `        ${l}`).join("\n")}`);
    }
    await tp?.close();
    restoreAws?.();
    await moto?.stop();
  });

  describe("a Pulumi YAML stack with two explicit providers", () => {
    let project: UserProject;
    let a: Onboarded;
    let b: Onboarded;
    let c: Onboarded;
    let env: Record<string, string>;
    const run = (args: string[]) => runPulumi(project, args, { stack: STACK, env });

    before(async () => {
      [a, b, c] = [await onboard("yaml-a"), await onboard("yaml-b"), await onboard("yaml-c")];
      env = { ...(await yamlEnv()), EKM_PLATFORM_URL: tp.url };
      project = await createUserProject({ name: "ekm-yaml", indexTs: "// A Pulumi YAML project: the program is Pulumi.yaml.\n", pulumiYaml: YAML_PROGRAM });
      await installPlugin(project);
      await initStack(project, STACK, {
        platformUrl: tp.url,
        accountA: a.accountId,
        keyArnA: a.customer.keyArn,
        roleArnA: a.customer.roleArn,
        nicknameA: "Key A",
        tokenA: { secret: a.token },
        accountB: b.accountId,
        keyArnB: b.customer.keyArn,
        roleArnB: b.customer.roleArn,
        tokenB: { secret: b.token },
        // The default provider (used by the imported resource) reads the stack config.
        "ekm:platformUrl": tp.url,
        "ekm:apiToken": { secret: c.token },
      });
    });

    it("the installed plugin is found: pulumi plugin ls lists it and pulumi package get-schema prints its schema", async () => {
      const ls = await pulumiOk(project, ["plugin", "ls", "--json"]);
      const plugins = JSON.parse(ls.stdout) as { name: string; kind: string; version: string }[];
      expect(plugins.filter((p) => p.name === "ekm").map((p) => `${p.kind} ${p.version}`)).to.deep.equal([`resource ${PLUGIN_VERSION}`]);
      const schema = await pulumiOk(project, ["package", "get-schema", "ekm"], { env });
      const served = JSON.parse(schema.stdout) as { resources: Record<string, unknown> };
      const committed = JSON.parse(fs.readFileSync(path.join(repoRoot, "provider", "schema.json"), "utf8")) as { resources: Record<string, unknown> };
      expect(served.resources).to.deep.equal(committed.resources);
    });

    it("up registers both accounts' keys, each through its own provider instance and token: active", async () => {
      const { r, calls } = await counted("yaml: up (create 2)", () => run(["up", "--yes"]));
      ok(r);
      expect(await stackOutputs(project, STACK)).to.deep.equal({ statusA: "active", statusB: "active" });
      for (const x of [a, b]) {
        const live = await tp.admin.getKeyManagement(x.accountId);
        expect(live.byok?.provider === "aws" && live.byok.aws.keyArn).to.equal(x.customer.keyArn);
      }
      expect(calls.putByok).to.equal(2);
      // Account A's token cannot reach account B (the platform answers 404): B's registration proves provider b used B's token.
      const denied = await a.client.getKeyManagement(b.accountId).then(
        () => "reached",
        (err: { status?: number }) => err.status,
      );
      expect(denied).to.equal(404);
    });

    it("a nickname change updates in place with one PATCH", async () => {
      const before = await tp.admin.getKeyManagement(a.accountId);
      await setConfig(project, STACK, { nicknameA: "Key A renamed" });
      const preview = await run(["preview", "--json"]);
      ok(preview);
      const changed = (parsePreview(preview).steps ?? []).filter((x) => x.urn.split("::")[2] === TOKENS.byokConfiguration && x.op !== "same");
      expect(changed.map((x) => `${x.op} ${x.urn.split("::").pop()}`)).to.deep.equal(["update byokA"]);
      const { r, calls } = await counted("yaml: up (nickname)", () => run(["up", "--yes"]));
      ok(r);
      expect(writesIn(calls)).to.deep.equal({ patchByok: 1 });
      const after = await tp.admin.getKeyManagement(a.accountId);
      expect(after.byok?.nickname).to.equal("Key A renamed");
      expect(after.byok?.createdAt, "not replaced").to.equal(before.byok?.createdAt);
    });

    it("an out-of-band change shows in preview --refresh, and up --refresh converges", async () => {
      const live = await a.client.getByok(a.accountId);
      await a.client.patchByok(a.accountId, { nickname: "changed outside Pulumi" }, { ifMatch: live!.etag });
      const quiet = await run(["preview", "--json"]);
      ok(quiet);
      expect(opsOf(parsePreview(quiet), TOKENS.byokConfiguration).filter((op) => op !== "same"), "without a refresh the state holds Pulumi's last write").to.deep.equal([]);
      const { r } = await counted("yaml: preview --refresh (drift)", () => run(["preview", "--refresh", "--json"]));
      ok(r);
      const steps = (parsePreview(r).steps ?? []).filter((s) => s.urn.endsWith("::byokA") && s.op !== "refresh");
      expect(steps.map((s) => s.op)).to.deep.equal(["update"]);
      expect(steps[0].oldState?.outputs?.nickname, "the refreshed (live) value").to.equal("changed outside Pulumi");
      const up = await counted("yaml: up --refresh (converge)", () => run(["up", "--refresh", "--yes"]));
      ok(up.r);
      expect((await tp.admin.getKeyManagement(a.accountId)).byok?.nickname).to.equal("Key A renamed");
    });

    it("pulumi import adopts a configuration made through the API without writing, and prints YAML that round-trips", async () => {
      await c.client.putByok(c.accountId, { provider: "aws", aws: { keyArn: c.customer.keyArn, roleArn: c.customer.roleArn }, nickname: "Made through the API", activationDate: "2021-06-01" });
      const out = path.join(project.dir, "imported.yaml");
      const { r, calls } = await counted("yaml: import", () => run(["import", TOKENS.byokConfiguration, "byokC", c.accountId, "--yes", "--protect=false", "--out", out]));
      ok(r);
      expect(writesIn(calls), "import only reads").to.deep.equal({});
      const code = fs.readFileSync(out, "utf8");
      // The YAML code generator drops the `index` module from a type token.
      for (const expected of ["type: ekm:ByokConfiguration", `accountId: ${c.accountId}`, "nickname: Made through the API", `keyArn: ${c.customer.keyArn}`, `roleArn: ${c.customer.roleArn}`, "activationDate: 2021-06-01", "provider: aws"]) {
        expect(code, code).to.include(expected);
      }
      // The printed code, added to the program, describes exactly what was imported.
      const resources = code.slice(code.indexOf("resources:\n") + "resources:\n".length);
      fs.appendFileSync(path.join(project.dir, "Pulumi.yaml"), resources);
      const preview = await run(["preview", "--json", "--expect-no-changes"]);
      ok(preview);
      expect(opsOf(parsePreview(preview), TOKENS.byokConfiguration).filter((op) => op !== "same")).to.deep.equal([]);
    });

    it("no token appears in the state, the stack config, the backend, the plugin folder or the CLI's output", async () => {
      const exported = await pulumiOk(project, ["stack", "export", "--show-secrets=false"], { stack: STACK });
      const haystacks = [
        ...filesUnder(project.dir).map((f) => ({ where: path.relative(project.dir, f.file), text: f.text })),
        ...project.transcript.map((t, i) => ({ where: `command ${i}: pulumi ${t.args.join(" ")}`, text: `${t.stdout}\n${t.stderr}` })),
        { where: "stack export", text: exported.stdout },
      ];
      expect(findSecrets(haystacks, tokens)).to.deep.equal([]);
      // The explicit providers' apiToken is stored as a secret (ciphertext), not dropped.
      const deployment = JSON.parse(exported.stdout) as { deployment: { resources: { type: string; inputs?: Record<string, unknown> }[] } };
      const providers = deployment.deployment.resources.filter((x) => x.type === "pulumi:providers:ekm" && x.inputs?.apiToken !== undefined);
      expect(providers.length).to.be.at.least(2);
      for (const p of providers) expect(p.inputs!.apiToken).to.have.property("4dabf18193072939515e22adb298388d");
    });

    it("destroy reverts every account to platform-managed keys", async () => {
      const { r, calls } = await counted("yaml: destroy (3)", () => run(["destroy", "--yes"]));
      ok(r);
      expect(writesIn(calls)).to.deep.equal({ deleteByok: 3 });
      for (const x of [a, b, c]) expect(await mode(x.accountId)).to.equal("platform-managed");
    });
  });

  describe("migrating a Node stack from the dynamic resource to ekm:index:ByokConfiguration", () => {
    let project: UserProject;
    let d: Onboarded;
    const run = (args: string[]) => runPulumi(project, args, { stack: STACK });

    before(async () => {
      d = await onboard("migrate");
      project = await createUserProject({ name: "ekm-migrate", indexTs: DYNAMIC_PROGRAM });
      await installPlugin(project);
      await initStack(project, STACK, { accountId: d.accountId, keyArn: d.customer.keyArn, roleArn: d.customer.roleArn, "ekm:platformUrl": tp.url, "ekm:apiToken": { secret: d.token } });
      ok(await run(["up", "--yes"]));
      expect(await stackOutputs(project, STACK)).to.deep.equal({ status: "active" });
    });

    it("pulumi state delete, then the import option: the plugin adopts the configuration and the platform sees no write", async () => {
      const before = await tp.admin.getKeyManagement(d.accountId);
      const mark = tp.logs.length;
      const exported = JSON.parse((await pulumiOk(project, ["stack", "export"], { stack: STACK })).stdout) as { deployment: { resources: { urn: string; type: string }[] } };
      const dynamic = exported.deployment.resources.find((x) => x.type === BYOK_CONFIGURATION_TYPE)!;
      ok(await run(["state", "delete", dynamic.urn, "--yes"]));
      project.setProgram(PLUGIN_PROGRAM);
      const up = await counted("migrate: up (import)", () => run(["up", "--yes", "--json"]));
      ok(up.r);
      expect(await stackOutputs(project, STACK)).to.deep.equal({ status: "active" });
      const calls = platformCalls(tp.logs, mark);
      expect(writesIn(calls), "the migration only reads").to.deep.equal({});
      const after = await tp.admin.getKeyManagement(d.accountId);
      expect(after.byok?.etag, "the configuration is untouched").to.equal(before.byok?.etag);
      const types = (JSON.parse((await pulumiOk(project, ["stack", "export"], { stack: STACK })).stdout) as typeof exported).deployment.resources.map((x) => x.type);
      expect(types).to.include(TOKENS.byokConfiguration);
      expect(types).to.not.include(BYOK_CONFIGURATION_TYPE);
      const settled = await run(["preview", "--json", "--expect-no-changes"]);
      ok(settled);
    });

    it("the plugin now owns it: destroy reverts the account", async () => {
      const { r, calls } = await counted("migrate: destroy", () => run(["destroy", "--yes"]));
      ok(r);
      expect(writesIn(calls)).to.deep.equal({ deleteByok: 1 });
      expect(await mode(d.accountId)).to.equal("platform-managed");
    });
  });
});
