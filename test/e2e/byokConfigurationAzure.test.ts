// ByokConfiguration end to end on Azure Key Vault, as a user runs it: the real Pulumi CLI (built
// from Go modules), a file:// backend, and a temporary project that installs this package's
// `npm pack` tarball and runs the program of examples/register-existing-azure-key (its index.ts
// and the config declarations of its Pulumi.yaml, importing "pulumi-ekm" from the installed
// tarball).
//
// The platform is the real `ekm-platform` process (built dist/), on its production Azure path:
// ClientSecretCredential → Entra ID → the Key Vault clients. The vault is the project's Key Vault
// emulator, a process of its own serving HTTPS with its own CA. Only the test-only platform flags
// point that path at it: the authority host, the vault host's address, and the CA to trust.
//
// The scenarios build on each other and run in order: up (active) → pin a version (update in
// place) → a rotation the pinned configuration ignores → unpin → a rotation the versionless
// configuration follows, shown by preview --refresh → the key disabled out of band (degraded with
// its reason on refresh) → enabled again → destroy (every data key re-wrapped) → no secret anywhere.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { KeyManagementState, PlatformClient } from "../../sdk";
import { AZURE_VALIDATION_STEPS } from "../../sdk/contract";
import { BYOK_CONFIGURATION_TYPE } from "../../dynamic-providers";
import { startAzureCustomer, type AzureCustomer } from "../support/azureCustomer";
import { clientCredentialsToken } from "../support/kvEmulator";
import { byokOps, byokStep, changedInputs, exampleProgram, exampleProjectFile, transcriptOf } from "../support/byokProject";
import { PROCESS_ADMIN_TOKEN, startPlatformProcess, type PlatformProcess } from "../support/platformProcess";
import { waitFor } from "../support/ports";
import {
  createUserProject,
  filesUnder,
  findSecrets,
  initStack,
  parsePreview,
  platformCalls,
  pulumiOk,
  runPulumi,
  setConfig,
  stackOutputs,
  timings,
  type PreviewJson,
  type PulumiResult,
  type UserProject,
} from "../support/pulumi";

const EXAMPLE = "register-existing-azure-key";
const STACK = "fabrikam";
const ACTIVE_SINCE = "2020-01-01";
/** A JSON Web Token (header.payload.signature, base64url): what Entra ID issues and Key Vault accepts. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

describe("e2e: ByokConfiguration on Azure with the Pulumi CLI (npm pack tarball, file backend, ekm-platform process, Key Vault emulator)", function () {
  this.timeout(900_000);
  let work: string;
  let azure: AzureCustomer;
  let platform: PlatformProcess;
  let project: UserProject;
  let accountId: string;
  let token: string;
  let client: PlatformClient;
  /** `pulumi stack export` taken while the resource exists. */
  const exports: { where: string; text: string }[] = [];
  /** Platform API calls per operation, printed at the end for the report. */
  const callReport: string[] = [];
  /** Every ciphertext written, with what encrypt answered: all must still decrypt after destroy. */
  const written: { ciphertext: string; plaintext: string; keySource: string; keyVersion: string }[] = [];

  /** The key's newest version: the first one, then each rotation's. */
  let newest: string;
  const rotate = async () => (newest = await azure.rotate());
  const setEnabled = (enabled: boolean) => azure.admin.updateKey(azure.vaultName, azure.keyName, { enabled });
  const platformLog = () => platform.proc.tail(Number.MAX_SAFE_INTEGER).split("\n");
  const state = (): Promise<KeyManagementState> => platform.admin.getKeyManagement(accountId);
  const ok = (r: PulumiResult) => {
    expect(r.code, transcriptOf(r)).to.equal(0);
    return r;
  };
  /**
   * The platform's log once the lines of requests already answered have arrived (they reach this
   * process through a pipe, a moment after the answer): no new line for 200 ms, at most 5 s.
   */
  async function settledLog(): Promise<string[]> {
    let lines = platformLog();
    for (let i = 0; i < 25; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const now = platformLog();
      if (now.length === lines.length) break;
      lines = now;
    }
    return lines;
  }
  /** Runs a command, counting the platform calls it made. */
  async function counted(label: string, run: () => Promise<PulumiResult>): Promise<{ r: PulumiResult; calls: Record<string, number> }> {
    const mark = (await settledLog()).length;
    const r = await run();
    const calls = platformCalls(await settledLog(), mark - 1);
    callReport.push(`${label.padEnd(44)} ${String(r.ms).padStart(6)} ms  ${JSON.stringify(calls)}`);
    return { r, calls };
  }
  /** The ByokConfiguration's outputs in the stack's state (what refresh writes), from `pulumi stack export`. */
  async function resourceOutputs(): Promise<Record<string, unknown>> {
    const text = (await pulumiOk(project, ["stack", "export"], { stack: STACK })).stdout;
    const resources = (JSON.parse(text) as { deployment: { resources?: { type: string; outputs?: Record<string, unknown> }[] } }).deployment.resources ?? [];
    const byok = resources.filter((r) => r.type === BYOK_CONFIGURATION_TYPE);
    expect(byok, "one ByokConfiguration in the state").to.have.length(1);
    return byok[0].outputs ?? {};
  }
  async function previewJson(args: string[] = []): Promise<{ r: PulumiResult; preview: PreviewJson }> {
    const r = await runPulumi(project, ["preview", "--json", ...args], { stack: STACK });
    return { r, preview: parsePreview(r) };
  }
  /** Encrypts a sample as the account's application would, and remembers it. */
  async function encrypt(plaintext: string) {
    const e = await client.encryptContent(accountId, plaintext);
    written.push({ ciphertext: e.ciphertext, plaintext, keySource: e.keySource, keyVersion: e.keyVersion });
    return e;
  }

  before(async () => {
    const started = Date.now();
    work = mkdtempSync(path.join(tmpdir(), "ekm-e2e-azure-"));
    azure = await startAzureCustomer({ dataDir: path.join(work, "emulator"), vaultName: "fabrikam-byok" });
    platform = await startPlatformProcess(path.join(work, "platform"), {
      args: [...azure.platformArgs(), "--maintenance-interval-ms", "1000"],
      // No data-key cache: each encrypt wraps a fresh data key, so a rotation or a disabled key
      // shows on the next one (the cache's own expiry is the unit suite's concern).
      env: { ...azure.platformEnv(), EKM_BYOK_CACHE_MAX_AGE_MS: "0" },
      maxOutput: 50_000_000,
    });
    const created = await platform.admin.createAccount({ name: "Fabrikam" });
    accountId = created.accountId;
    token = created.token;
    client = platform.client(token);
    const trust = await client.getTrust(accountId);
    expect(trust.azure, "the trust endpoint names the platform's Azure application").to.deep.equal({ applicationId: azure.clientId });
    newest = azure.keyVersion;
    project = await createUserProject({ name: EXAMPLE, pulumiYaml: exampleProjectFile(EXAMPLE), indexTs: exampleProgram(EXAMPLE) });
    console.log(
      `      [e2e] pack ${timings.packMs ?? "(earlier)"} ms; npm install ${timings.installReused ? "reused (PULUMI_EKM_E2E_INSTALL_CACHE)" : `${timings.installMs ?? "(earlier)"} ms`}; setup ${Date.now() - started} ms`,
    );
  });
  after(async () => {
    if (callReport.length > 0) console.log(`      [e2e] platform API calls per command (Azure):\n${callReport.map((l) => `        ${l}`).join("\n")}`);
    await platform?.stop();
    await azure?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("up: registers the versionless key and the status is active; new content is wrapped by its current version", async () => {
    const v1 = newest;
    await initStack(project, STACK, {
      "ekm:platformUrl": platform.url,
      "ekm:apiToken": { secret: token },
      accountId,
      vaultUrl: azure.vaultUrl,
      tenantId: azure.tenantId,
      keyName: azure.keyName,
      nickname: "Fabrikam key",
      activationDate: ACTIVE_SINCE,
    });
    const preview = await counted("preview (create)", () => runPulumi(project, ["preview"], { stack: STACK }));
    ok(preview.r);
    expect(preview.calls.validateByok, "the dry run ran on the platform").to.equal(1);
    for (const [i, step] of AZURE_VALIDATION_STEPS.entries()) {
      expect(preview.r.stdout, transcriptOf(preview.r)).to.include(`ByokConfiguration ${accountId}: dry run step ${i + 1}/${AZURE_VALIDATION_STEPS.length} ${step}: ok — `);
    }

    const { r, calls } = await counted("up (create)", () => runPulumi(project, ["up", "--yes"], { stack: STACK }));
    ok(r);
    expect(calls.putByok, "one registration").to.equal(1);
    for (const [i, step] of AZURE_VALIDATION_STEPS.entries()) {
      expect(r.stdout, transcriptOf(r)).to.include(`ByokConfiguration ${accountId}: registration step ${i + 1}/${AZURE_VALIDATION_STEPS.length} ${step}: ok — `);
    }
    expect(r.stdout, "the GetKey step names the version a versionless key uses now").to.include(`versionless: new data keys use its current version ${v1}`);

    const outputs = await stackOutputs(project, STACK);
    expect(outputs).to.deep.include({ accountId, nickname: "Fabrikam key", status: "active", effectiveKeySource: "byok" });
    expect(outputs.checks).to.deep.equal(AZURE_VALIDATION_STEPS.map((s) => `${s}: ok`));
    expect(outputs.keyVersionInUse, "the version the registration found current").to.equal(v1);

    const live = await state();
    expect(live).to.deep.include({ mode: "byok", effectiveKeySource: "byok" });
    expect(live.byok).to.deep.include({ provider: "azure", azure: { vaultUrl: azure.vaultUrl, tenantId: azure.tenantId, keyName: azure.keyName }, status: "active" });

    const sample = await encrypt("Fabrikam: first under the customer key");
    expect([sample.keySource, sample.keyVersion]).to.deep.equal(["byok-azure", v1]);

    const again = await counted("preview (no change)", () => runPulumi(project, ["preview", "--json", "--expect-no-changes"], { stack: STACK }));
    ok(again.r);
    expect(byokOps(parsePreview(again.r)).filter((op) => op !== "same")).to.deep.equal([]);
    expect(again.calls.validateByok ?? 0, "an unchanged key is not dry-run again").to.equal(0);
    exports.push({ where: `stack export ${STACK} (after up)`, text: (await pulumiOk(project, ["stack", "export"], { stack: STACK })).stdout });
  });

  it("pinning a key version updates in place and revalidates; a rotation in the vault leaves pinned content on that version", async () => {
    const v1 = newest;
    const before = (await state()).byok!;
    await setConfig(project, STACK, { keyVersion: v1 });

    const { r, preview } = await previewJson();
    ok(r);
    expect(byokOps(preview)).to.deep.equal(["update"]);
    const step = byokStep(preview);
    expect(changedInputs(step)).to.deep.equal(["config"]);
    expect(step.replaceReasons ?? []).to.deep.equal([]);

    const up = await counted("up (pin keyVersion: update)", () => runPulumi(project, ["up", "--yes"], { stack: STACK }));
    ok(up.r);
    expect(up.r.stdout).to.include(`${BYOK_CONFIGURATION_TYPE} byok updated`);
    expect(up.r.stdout).not.to.match(/replac/i);
    expect(up.calls).to.include({ putByok: 1 });
    expect(up.calls.deleteByok ?? 0, "no revert").to.equal(0);
    const after = (await state()).byok!;
    expect(after.provider === "azure" && after.azure.keyVersion).to.equal(v1);
    expect(after.createdAt, "the same configuration, changed in place").to.equal(before.createdAt);
    expect((await stackOutputs(project, STACK)).keyVersionInUse).to.equal(v1);
    expect(((await resourceOutputs()).config as { azure: { keyVersion?: string } }).azure.keyVersion).to.equal(v1);

    const v2 = await rotate();
    expect(v2).not.to.equal(v1);
    const pinned = await encrypt("Fabrikam: written while pinned, after a rotation");
    expect([pinned.keySource, pinned.keyVersion], "a pinned configuration keeps its version").to.deep.equal(["byok-azure", v1]);
  });

  it("unpinned, the configuration follows each rotation with no change to the stack; preview --refresh shows the version in use", async () => {
    await pulumiOk(project, ["config", "rm", "keyVersion"], { stack: STACK });
    const unpin = await counted("up (unpin keyVersion: update)", () => runPulumi(project, ["up", "--yes"], { stack: STACK }));
    ok(unpin.r);
    expect(unpin.calls).to.include({ putByok: 1 });
    const v2 = newest;
    expect((await encrypt("Fabrikam: versionless again")).keyVersion).to.equal(v2);

    const v3 = await rotate();
    const rotated = await encrypt("Fabrikam: after the second rotation");
    expect([rotated.keySource, rotated.keyVersion], "new content follows the newest version at once").to.deep.equal(["byok-azure", v3]);
    // Everything written before still decrypts, each with the version that wrapped it.
    for (const w of written) {
      const d = await client.decryptContent(accountId, w.ciphertext);
      expect([Buffer.from(d.plaintext, "base64").toString(), d.keySource, d.keyVersion]).to.deep.equal([w.plaintext, w.keySource, w.keyVersion]);
    }

    // The state holds what the unpin's registration found current.
    expect((await resourceOutputs()).keyVersionInUse).to.equal(v2);
    const refreshed = await counted("preview --refresh (rotation)", () => runPulumi(project, ["preview", "--refresh", "--diff", "--expect-no-changes"], { stack: STACK }));
    ok(refreshed.r);
    // The refresh's diff of the resource's outputs, and the provider's note (info goes to stderr).
    expect(refreshed.r.stdout, transcriptOf(refreshed.r)).to.match(new RegExp(`~ pulumi-nodejs:dynamic/ekm:ByokConfiguration: \\(refresh\\)[^]*?~ keyVersionInUse\\s+: "${v2}" => "${v3}"`));
    expect(`${refreshed.r.stdout}\n${refreshed.r.stderr}`, transcriptOf(refreshed.r)).to.include(
      `ByokConfiguration ${accountId}: the key version in use moved from ${v2} to ${v3}: new data keys are wrapped by ${v3}; content from before still decrypts with ${v2}`,
    );
    expect(refreshed.calls.getKeyManagement, "read went to the platform").to.be.at.least(1);
    const refresh = await counted("refresh (rotation)", () => runPulumi(project, ["refresh", "--yes"], { stack: STACK }));
    ok(refresh.r);
    expect((await resourceOutputs()).keyVersionInUse, "the refreshed state holds the version in use now").to.equal(v3);
    ok(await runPulumi(project, ["preview", "--expect-no-changes"], { stack: STACK }));
  });

  it("a key disabled out of band shows in preview --refresh as degraded with the reason; enabled again, it recovers", async () => {
    await setEnabled(false);
    const fallback = await encrypt("Fabrikam: written while the key is disabled");
    expect(fallback.keySource, "new content falls back to the platform key").to.equal("platform");

    const live = await state();
    expect(live).to.deep.include({ effectiveKeySource: "platform-fallback" });
    expect(live.byok?.status).to.equal("degraded");
    const reason = live.fallback!.reason;
    expect(reason).to.match(new RegExp(`^keyvault:WrapKey not attempted: key ${azure.vaultUrl}keys/${azure.keyName}/${newest} is disabled — enable it: `));

    const { r, calls } = await counted("preview --refresh (disabled key)", () => runPulumi(project, ["preview", "--refresh", "--diff"], { stack: STACK }));
    ok(r);
    expect(r.stdout, transcriptOf(r)).to.match(/~ pulumi-nodejs:dynamic\/ekm:ByokConfiguration: \(refresh\)[^]*?~ status\s+: "active" => "degraded"/);
    expect(`${r.stdout}\n${r.stderr}`, transcriptOf(r)).to.include(`ByokConfiguration ${accountId}: status degraded: new content falls back to the platform key since ${live.fallback!.since}: ${reason}`);
    expect(calls.getKeyManagement).to.be.at.least(1);
    const refresh = await counted("refresh (disabled key)", () => runPulumi(project, ["refresh", "--yes"], { stack: STACK }));
    ok(refresh.r);
    expect(await resourceOutputs()).to.deep.include({ status: "degraded", effectiveKeySource: "platform-fallback", fallback: live.fallback });

    await setEnabled(true);
    // The platform's maintenance (every second here) probes a key in fallback and recovers.
    await waitFor(async () => (await state()).byok?.status === "active", { what: "the platform to recover the enabled key", timeoutMs: 60_000, intervalMs: 250 });
    const back = await encrypt("Fabrikam: after the key was enabled again");
    expect([back.keySource, back.keyVersion]).to.deep.equal(["byok-azure", newest]);
    const settled = await counted("refresh (recovered)", () => runPulumi(project, ["refresh", "--yes"], { stack: STACK }));
    ok(settled.r);
    const recovered = await resourceOutputs();
    expect(recovered).to.deep.include({ status: "active", effectiveKeySource: "byok" });
    expect(recovered).not.to.have.property("fallback");
    const events = (await client.listEvents(accountId, { limit: 500 })).events.map((e) => e.type);
    expect(events).to.include.members(["byok.fallback", "byok.recovered"]);
  });

  it("destroy: the account is back on platform-managed keys and every data key is re-wrapped (content reads with the vault key gone)", async () => {
    const byokWritten = written.filter((w) => w.keySource === "byok-azure").length;
    const d = await counted("destroy", () => runPulumi(project, ["destroy", "--yes"], { stack: STACK }));
    ok(d.r);
    expect(d.calls).to.include({ deleteByok: 1 });
    const m = new RegExp(`ByokConfiguration ${accountId}: reverted to platform-managed keys: re-wrapped (\\d+) data keys? under the platform key`).exec(d.r.stdout);
    expect(m, transcriptOf(d.r)).to.not.equal(null);
    const rewrapped = Number(m![1]);
    const events = (await client.listEvents(accountId, { limit: 500 })).events;
    const reverted = events.filter((e) => e.type === "byok.reverted").pop();
    expect(reverted?.data).to.deep.include({ rewrappedDataKeys: rewrapped, unreadableDataKeys: 0 });
    // Each BYOK encrypt wrapped one data key (no cache), and each recovery's probe one more.
    const probes = events.filter((e) => e.type === "byok.recovered" && !("by" in e.data)).length;
    expect(rewrapped, `${byokWritten} BYOK encrypts + ${probes} recovery probe(s)`).to.equal(byokWritten + probes);
    expect(d.r.stdout).not.to.contain("unreadable");
    expect(await state()).to.deep.include({ mode: "platform-managed", effectiveKeySource: "platform", byok: null });

    // The customer may now delete the key: nothing depends on it any more.
    await azure.admin.removeKey(azure.vaultName, azure.keyName);
    for (const w of written) {
      const back = await client.decryptContent(accountId, w.ciphertext);
      expect([Buffer.from(back.plaintext, "base64").toString(), back.keySource]).to.deep.equal([w.plaintext, "platform"]);
    }
    exports.push({ where: `stack export ${STACK} (after destroy)`, text: (await pulumiOk(project, ["stack", "export"], { stack: STACK })).stdout });
  });

  it("no client secret, Entra token or platform token in the state, the backend's files, the CLI's output or the logs", async () => {
    const secrets = [azure.clientSecret, token, PROCESS_ADMIN_TOKEN];
    const haystacks = [
      ...exports,
      ...filesUnder(project.dir).map((f) => ({ where: path.relative(project.dir, f.file), text: f.text })),
      ...project.transcript.map((r, i) => ({ where: `command ${i}: pulumi ${r.args.join(" ")}`, text: `${r.stdout}\n${r.stderr}` })),
      { where: "platform process output", text: platformLog().join("\n") },
      { where: "emulator process output", text: azure.emulator.output() },
      { where: "platform data dir", text: filesUnder(path.join(work, "platform")).map((f) => f.text).join("\n") },
    ];
    expect(haystacks.some((h) => h.where.includes(path.join(".backend", ".pulumi", "stacks"))), "the backend's state files are scanned").to.equal(true);
    // The scans themselves can fail: they find what is planted in a copy of real output.
    const token0 = await clientCredentialsToken({ port: azure.emulator.port, ca: azure.caPem, tenantId: azure.tenantId, clientId: azure.clientId, secret: azure.clientSecret });
    expect(findSecrets([{ where: "planted", text: `x ${azure.clientSecret} y` }], secrets)).to.have.length(1);
    expect(`x ${token0} y`.match(JWT), "the token pattern matches an Entra token").to.have.length(1);

    expect(findSecrets(haystacks, secrets)).to.deep.equal([]);
    const jwts = haystacks.flatMap((h) => (h.text.match(JWT) ?? []).map(() => h.where));
    expect(jwts, "no JWT anywhere").to.deep.equal([]);
    const stackConfig = readFileSync(path.join(project.dir, `Pulumi.${STACK}.yaml`), "utf8");
    expect(stackConfig).to.match(/ekm:apiToken:\s*\n\s*secure: v1:[A-Za-z0-9+/=:]+/);
  });
});
