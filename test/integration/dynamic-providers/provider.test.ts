// The ByokConfiguration provider with a real AWS customer key: the platform validates, wraps and
// re-wraps with the real AWS path (platform/customer-keys/aws) against moto (KMS, STS, IAM wire protocol).
//
// Part 1 loads the provider serialized from TypeScript source with require-from-string, in this
// process. Part 2 runs it where the engine runs it: a program process compiled from dist/
// serializes it, and @pulumi/pulumi's own dynamic provider (cmd/dynamic-provider, the script
// behind pulumi-resource-pulumi-nodejs) loads it in a plain Node process with no TypeScript
// loader, configured over gRPC the way the engine does. Part 2 needs `npm run build` (which
// `npm run test:integration` runs first).
import { expect } from "chai";
import { spawn, execFile, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DisableKeyCommand } from "@aws-sdk/client-kms";
import { defaultCustomerKeys, defaultSettings, type PlatformSettings } from "../../../platform";
import type { ByokConfigurationProvider } from "../../../dynamic-providers/provider";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer, useAwsEndpoint, type Customer } from "../../support/awsCustomer";
import { startMoto, type MotoServer } from "../../support/moto";
import { startTestPlatform, type TestPlatform } from "../../support/platform";
import { startTcpProxy, type TcpProxy } from "../../support/tcpProxy";
import { loadProvider, register } from "../../unit/dynamic-providers/serialized";
import { rejection } from "../../support/rejection";

const REPO = path.resolve(__dirname, "../../..");
const DIST = path.join(REPO, "dist");
const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const SETTINGS_ENV = ["EKM_PLATFORM_URL", "EKM_API_TOKEN"] as const;


describe("ByokConfiguration provider with a real AWS KMS key (moto)", function () {
  this.timeout(120_000);
  let moto: MotoServer;
  // The platform reaches moto through a proxy that can cut the network (moto keeps its state).
  let proxy: TcpProxy;
  let restoreAws: () => void;
  let tp: TestPlatform;
  let sourceText: string;
  let provider: ByokConfigurationProvider;
  const savedEnv = SETTINGS_ENV.map((k) => [k, process.env[k]] as const);
  const tokens: string[] = [];

  /** A platform account, its trust, and a customer key + role provisioned for it in moto. */
  async function onboard(name: string, opts: { externalId?: string } = {}) {
    const a = await tp.newAccount(name);
    tokens.push(a.token);
    process.env.EKM_PLATFORM_URL = tp.url;
    process.env.EKM_API_TOKEN = a.token;
    const trust = await a.client.getTrust(a.accountId);
    const customer = await provisionCustomer(moto.endpoint, { accountId: a.accountId, externalId: opts.externalId ?? trust.aws!.externalId });
    return { ...a, customer };
  }
  const awsConfig = (c: Customer) => ({ provider: "aws" as const, aws: { keyArn: c.keyArn, roleArn: c.roleArn } });
  const inputsFor = (accountId: string, c: Customer, extra: Record<string, unknown> = {}) => ({
    __provider: sourceText,
    accountId,
    config: awsConfig(c),
    nickname: "prod key",
    activationDate: "2020-01-01",
    adoptExisting: false,
    ...extra,
  });

  before(async () => {
    moto = await startMoto();
    proxy = await startTcpProxy(moto.port);
    restoreAws = useAwsEndpoint(proxy.url);
    const settings: PlatformSettings = { ...defaultSettings({}), awsPrincipalArn: MOTO_PLATFORM_PRINCIPAL, inspectTrustPolicy: true, recheck: { baseMs: 1, maxMs: 10 } };
    tp = await startTestPlatform({ settings, maintenanceIntervalMs: 3_600_000, customerKeys: defaultCustomerKeys(settings, { aws: { timeoutMs: 1500, maxAttempts: 1 } }) });
    const first = await tp.newAccount("registration");
    sourceText = (
      await register("byok-it", {
        accountId: first.accountId,
        config: { provider: "aws", aws: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", roleArn: "arn:aws:iam::123456789012:role/r" } },
        nickname: "prod key",
        activationDate: "2020-01-01",
      })
    ).providerText;
    provider = loadProvider(sourceText);
  });

  after(async () => {
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await tp?.close();
    restoreAws?.();
    await proxy?.close();
    await moto?.stop();
  });

  it("dry-runs, registers, rekeys and reverts a real KMS key", async () => {
    const a = await onboard("lifecycle");
    const news = inputsFor(a.accountId, a.customer);
    const checked = await provider.check({}, news);
    expect(checked.failures).to.deep.equal([]);
    const validated = (await a.client.listEvents(a.accountId)).events.filter((e) => e.type === "byok.validated").map((e) => e.data.phase);
    expect(validated, "check dry-ran the validation on the platform").to.deep.equal(["dry-run"]);

    const created = await provider.create(checked.inputs);
    expect(created.id).to.equal(a.accountId);
    expect(created.outs).to.include({ status: "active", effectiveKeySource: "byok" });
    expect(created.outs.validation.checks.map((c: { name: string; status: string }) => [c.name, c.status])).to.deep.equal([
      ["sts:AssumeRole", "ok"],
      ["kms:DescribeKey", "ok"],
      ["kms:GenerateDataKey", "ok"],
      ["kms:Decrypt", "ok"],
    ]);
    const sealed = await a.client.encryptContent(a.accountId, "under the customer key");
    expect(sealed).to.include({ keySource: "byok-aws", keyVersion: a.customer.keyArn });

    // A second key and role for the same account: an update, revalidated by a PUT.
    const trust = await a.client.getTrust(a.accountId);
    const next = await provisionCustomer(moto.endpoint, { accountId: a.accountId, externalId: trust.aws!.externalId });
    const rekeyed = inputsFor(a.accountId, next);
    const state = { ...created.outs, __provider: sourceText };
    expect(await provider.diff(a.accountId, state, rekeyed)).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect((await provider.check(news, rekeyed)).failures).to.deep.equal([]);
    const updated = (await provider.update(a.accountId, state, rekeyed)).outs;
    expect(updated.config).to.deep.equal(awsConfig(next));
    expect(updated.etag).not.to.equal(created.outs.etag);
    expect((await a.client.encryptContent(a.accountId, "under the new key")).keyVersion).to.equal(next.keyArn);

    await provider.delete(a.accountId, { ...updated, __provider: sourceText });
    expect((await a.client.getKeyManagement(a.accountId)).mode).to.equal("platform-managed");
    const opened = await a.client.decryptContent(a.accountId, sealed.ciphertext);
    expect(Buffer.from(opened.plaintext, "base64").toString(), "re-wrapped under the platform key before delete returned").to.equal("under the customer key");
    expect(opened.keySource).to.equal("platform");
    expect(await provider.read(a.accountId, updated)).to.deep.equal({});
  });

  it("fails check at the real chain's failed step: another external ID at sts:AssumeRole, a disabled key at kms:DescribeKey", async () => {
    const untrusted = await onboard("untrusted", { externalId: "ekm-someone-else" });
    const trustFailures = (await provider.check({}, inputsFor(untrusted.accountId, untrusted.customer))).failures ?? [];
    // A nested property travels in the reason: the engine would print it as value {<nil>}.
    expect(trustFailures.map((f) => f.property)).to.deep.equal([""]);
    expect(trustFailures[0].reason).to.match(/^config\.aws\.roleArn: sts:AssumeRole: .*(external ID|ExternalId)/);
    const refused = await rejection(provider.create(inputsFor(untrusted.accountId, untrusted.customer)));
    expect(refused.message).to.match(new RegExp(`^ByokConfiguration ${untrusted.accountId}: the platform refused AWS KMS key \\S+ \\(role \\S+\\); nothing was stored:\\n  sts:AssumeRole: `));
    expect(await untrusted.client.getByok(untrusted.accountId)).to.equal(undefined);

    const disabled = await onboard("disabled");
    await disabled.customer.kms.send(new DisableKeyCommand({ KeyId: disabled.customer.keyId }));
    const keyFailures = (await provider.check({}, inputsFor(disabled.accountId, disabled.customer))).failures ?? [];
    expect(keyFailures).to.deep.equal([
      { property: "", reason: `config.aws.keyArn: kms:DescribeKey: key ${disabled.customer.keyArn} is disabled — enable it (kms:EnableKey)` },
    ]);
  });

  it("reads the fallback while KMS is unreachable, and the recovery once it answers again", async () => {
    const a = await onboard("fallback");
    const { outs } = await provider.create(inputsFor(a.accountId, a.customer));
    // moto does not refuse GenerateDataKey on a disabled key, so the outage is a cut network.
    await proxy.cut();
    try {
      expect((await a.client.encryptContent(a.accountId, "during the outage")).keySource).to.equal("platform");
      const degraded = await provider.read(a.accountId, outs);
      expect(degraded.props).to.include({ status: "degraded", effectiveKeySource: "platform-fallback" });
      // The first call of the key after registration assumes the role, so that is the step that fails.
      expect(degraded.props?.fallback?.reason).to.match(/^(sts:AssumeRole|kms:GenerateDataKey)[: ]/);
    } finally {
      await proxy.restore();
    }
    await new Promise((r) => setTimeout(r, 20));
    expect((await a.client.encryptContent(a.accountId, "recovered")).keySource).to.equal("byok-aws");
    const recovered = await provider.read(a.accountId, outs);
    expect(recovered.props).to.include({ status: "active", effectiveKeySource: "byok" });
    expect(recovered.props).not.to.have.property("fallback");
    await provider.delete(a.accountId, outs);
  });

  describe("in the engine's provider process (compiled from dist/, over gRPC)", () => {
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [PULUMI_DIR] }));
    const provrpc = require(path.join(PULUMI_DIR, "proto", "provider_grpc_pb"));
    const provproto = require(path.join(PULUMI_DIR, "proto", "provider_pb"));
    const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [PULUMI_DIR] }));
    const rpc = require(path.join(PULUMI_DIR, "runtime", "rpc"));
    const URN = "urn:pulumi:it::ekm::pulumi-nodejs:dynamic/ekm:ByokConfiguration::byok";
    let work: string;
    let proc: ChildProcessWithoutNullStreams | undefined;
    let stderr = "";
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let client: any;
    let distText: string;
    let distInputs: Record<string, unknown>;
    let account: Awaited<ReturnType<typeof onboard>>;

    /** The environment of a child process: no TypeScript loader, no platform settings. */
    const childEnv = () => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const k of ["NODE_OPTIONS", ...SETTINGS_ENV]) delete env[k];
      return env;
    };
    const invoke = <T>(method: string, req: unknown): Promise<T> =>
      new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
    const struct = (v: unknown) => Struct.fromJavaScript(v);

    before(async function () {
      if (!existsSync(path.join(DIST, "dynamic-providers", "provider.js"))) {
        throw new Error(`${DIST}/dynamic-providers/provider.js is missing: run "npm run build" first (npm run test:integration does)`);
      }
      work = mkdtempSync(path.join(tmpdir(), "ekm-dynprov-"));
      account = await onboard("engine");

      // The program: @pulumi/pulumi under mocks, the resource from dist/, run by plain node in another directory.
      const program = path.join(work, "program.js");
      writeFileSync(
        program,
        `const pulumi = require(process.env.PULUMI_MODULE);
(async () => {
  let captured;
  await pulumi.runtime.setMocks({ newResource: (a) => { captured = a; return { id: a.name + "-id", state: a.inputs }; }, call: (a) => { throw new Error("unexpected invoke " + a.token); } }, "ekm", "it", false);
  const { ByokConfiguration } = require(process.env.EKM_DIST + "/dynamic-providers");
  const r = new ByokConfiguration("byok", JSON.parse(process.env.ARGS));
  await new Promise((res) => r.urn.apply(res));
  process.stdout.write(JSON.stringify({ type: captured.type, inputs: captured.inputs }));
})().catch((e) => { console.error(e.stack); process.exit(1); });
`,
      );
      const args = { accountId: account.accountId, config: awsConfig(account.customer), nickname: "prod key", activationDate: "2020-01-01" };
      const out = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [program], { cwd: work, env: { ...childEnv(), PULUMI_MODULE: PULUMI_DIR, EKM_DIST: DIST, ARGS: JSON.stringify(args) } }, (err, stdout, errOut) =>
          err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(stdout),
        ),
      );
      const registered = JSON.parse(out) as { type: string; inputs: Record<string, unknown> };
      expect(registered.type).to.equal("pulumi-nodejs:dynamic/ekm:ByokConfiguration");
      distInputs = registered.inputs;
      distText = String(distInputs.__provider);

      // The provider process, as pulumi-resource-pulumi-nodejs starts it: it prints its port.
      proc = spawn(process.execPath, [path.join(PULUMI_DIR, "cmd", "dynamic-provider", "index.js"), "127.0.0.1:1"], { cwd: work, env: childEnv() });
      proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        proc!.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("\n")) resolve(out.trim());
        });
        proc!.once("exit", (code) => reject(new Error(`the dynamic provider exited with ${code}: ${stderr}`)));
      });
      client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

      // The engine configures the provider with the whole stack config, namespaces kept, secrets wrapped.
      const configure = new provproto.ConfigureRequest();
      configure.setArgs(struct({ "ekm:platformUrl": tp.url, "ekm:apiToken": { [rpc.specialSigKey]: rpc.specialSecretSig, value: account.token }, "aws:region": "us-east-1" }));
      await invoke("configure", configure);
    });

    after(async () => {
      client?.close();
      if (proc && proc.exitCode === null) {
        const exited = new Promise((r) => proc!.once("exit", r));
        proc.kill("SIGTERM");
        await exited;
      }
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it("captures the compiled implementation's absolute path, and nothing else", () => {
      expect(distText).to.include(JSON.stringify(path.join(DIST, "dynamic-providers", "operations")));
      expect(distText).not.to.include("operations.ts");
      expect(distText).not.to.match(/require\("/);
    });

    it("runs check, create, diff, update, read and delete with the token from configure, in a plain Node process", async () => {
      const news = { ...distInputs };
      const check = new provproto.CheckRequest();
      check.setUrn(URN);
      check.setOlds(struct({}));
      check.setNews(struct(news));
      const checked = await invoke<{ getInputs(): { toJavaScript(): Record<string, unknown> }; getFailuresList(): unknown[] }>("check", check);
      expect(checked.getFailuresList()).to.deep.equal([]);
      const inputs = checked.getInputs().toJavaScript();
      // The preview flag is for check only; it is not stored.
      const { __preview: _preview, ...stored } = news;
      expect(inputs).to.deep.equal({ ...stored, adoptExisting: false });

      const create = new provproto.CreateRequest();
      create.setUrn(URN);
      create.setProperties(struct(inputs));
      const created = await invoke<{ getId(): string; getProperties(): { toJavaScript(): Record<string, unknown> } }>("create", create);
      expect(created.getId()).to.equal(account.accountId);
      const outs = created.getProperties().toJavaScript();
      expect(outs).to.include({ status: "active", effectiveKeySource: "byok", __provider: distText });

      const renamed = { ...inputs, nickname: "renamed" };
      const diff = new provproto.DiffRequest();
      diff.setId(account.accountId);
      diff.setUrn(URN);
      diff.setOlds(struct(outs));
      diff.setNews(struct(renamed));
      const diffed = await invoke<{ getChanges(): number; getReplacesList(): string[]; getDeletebeforereplace(): boolean }>("diff", diff);
      expect([diffed.getChanges(), diffed.getReplacesList(), diffed.getDeletebeforereplace()]).to.deep.equal([provproto.DiffResponse.DiffChanges.DIFF_SOME, [], false]);

      const update = new provproto.UpdateRequest();
      update.setId(account.accountId);
      update.setUrn(URN);
      update.setOlds(struct(outs));
      update.setNews(struct(renamed));
      const updated = (await invoke<{ getProperties(): { toJavaScript(): Record<string, unknown> } }>("update", update)).getProperties().toJavaScript();
      expect(updated).to.include({ nickname: "renamed", status: "active" });

      const read = new provproto.ReadRequest();
      read.setId(account.accountId);
      read.setUrn(URN);
      read.setProperties(struct(updated));
      const live = await invoke<{ getId(): string; getProperties(): { toJavaScript(): Record<string, unknown> }; getInputs(): { toJavaScript(): Record<string, unknown> } }>("read", read);
      expect(live.getId()).to.equal(account.accountId);
      expect(live.getProperties().toJavaScript()).to.deep.equal(updated);
      expect(live.getInputs().toJavaScript()).to.include({ nickname: "renamed", __provider: distText });

      const del = new provproto.DeleteRequest();
      del.setId(account.accountId);
      del.setUrn(URN);
      del.setProperties(struct(updated));
      await invoke("delete", del);
      expect((await account.client.getKeyManagement(account.accountId)).mode).to.equal("platform-managed");
      const gone = await invoke<{ getId(): string }>("read", read);
      expect(gone.getId(), "a deleted configuration reads with an empty id").to.equal("");
    });

    it("loads a provider serialized from TypeScript source through the dist/ fallback", async () => {
      const check = new provproto.CheckRequest();
      check.setUrn(URN);
      check.setOlds(struct({}));
      // A preview: check dry-runs the key.
      check.setNews(struct({ ...distInputs, __provider: sourceText, __preview: true }));
      const before = (await account.client.listEvents(account.accountId)).events.length;
      const checked = await invoke<{ getFailuresList(): unknown[] }>("check", check);
      expect(checked.getFailuresList()).to.deep.equal([]);
      const events = (await account.client.listEvents(account.accountId, { after: 0, limit: 500 })).events.slice(before);
      expect(events.map((e) => [e.type, e.data.phase]), "the fallback implementation dry-ran the key").to.deep.equal([["byok.validated", "dry-run"]]);
    });

    it("never writes the token to the serialized provider, the properties or the provider process's output", () => {
      expect(tokens).to.include(account.token);
      for (const token of tokens) {
        for (const text of [distText, sourceText, JSON.stringify(distInputs), stderr]) expect(text.includes(token)).to.equal(false);
      }
    });
  });
});
