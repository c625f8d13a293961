// ByokConfiguration end to end, as a user runs it: the real Pulumi CLI (built from Go modules),
// a file:// backend, and a temporary project that installs this package's `npm pack` tarball and
// runs the onboarding program of examples/register-existing-key (its index.ts and the config
// declarations of its Pulumi.yaml, importing "pulumi-ekm" from the installed tarball).
// The platform is the real one (in this process, SQLite + HTTP on loopback); the customer's KMS
// key and IAM role are real moto resources the platform validates with real AWS calls.
//
// Two stacks, one per way of passing the platform token:
// - "secret-config": the account's own token as secret stack config `ekm:apiToken` (URL as
//   `ekm:platformUrl`), the way an account owner onboards;
// - "env-token": the platform admin token in EKM_API_TOKEN (URL in EKM_PLATFORM_URL), the way a
//   platform team moves a configuration between accounts (an account token reaches only its
//   own account, so a change of account needs a token that reaches both).
//
// The scenarios build on each other and run in order.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DisableKeyCommand } from "@aws-sdk/client-kms";
import { defaultCustomerKeys, defaultSettings, type PlatformSettings } from "../../platform";
import type { KeyManagementState, PlatformClient } from "../../sdk";
import { BYOK_CONFIGURATION_TYPE } from "../../dynamic-providers";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer, useAwsEndpoint, type Customer } from "../support/awsCustomer";
import { startMoto, type MotoServer } from "../support/moto";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { onboardingProgram, onboardingProjectFile } from "../support/onboarding";
import {
  createUserProject,
  filesUnder,
  findSecrets,
  initStack,
  opsOf,
  parsePreview,
  platformCalls,
  pulumiOk,
  runPulumi,
  setConfig,
  stackOutputs,
  timings,
  type PreviewJson,
  type PreviewStep,
  type PulumiResult,
  type UserProject,
} from "../support/pulumi";

const SECRET_STACK = "secret-config";
const ENV_STACK = "env-token";
const ACTIVE_SINCE = "2020-01-01";

/** Every ByokConfiguration step of a preview, as op strings. */
const byokOps = (p: PreviewJson) => opsOf(p, BYOK_CONFIGURATION_TYPE);
const byokStep = (p: PreviewJson) => {
  const steps = (p.steps ?? []).filter((s) => (s.urn.split("::")[2] ?? "").endsWith(BYOK_CONFIGURATION_TYPE) && s.op !== "refresh");
  expect(steps, "exactly one ByokConfiguration step").to.have.length(1);
  return steps[0];
};
/** The input properties whose values differ between a step's old and new state (what `--diff` marks with ~). */
const changedInputs = (step: PreviewStep): string[] => {
  const olds = step.oldState?.inputs ?? {};
  const news = step.newState?.inputs ?? {};
  return [...new Set([...Object.keys(olds), ...Object.keys(news)])]
    .filter((k) => k !== "__provider" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]))
    .sort();
};
/** The signature Pulumi puts on a secret value in a checkpoint (sdk/go/common/resource/sig). */
const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };
const transcriptOf = (r: PulumiResult) => `pulumi ${r.args.join(" ")} → ${r.code}\n--- stdout ---\n${r.stdout.slice(-5000)}\n--- stderr ---\n${r.stderr.slice(-5000)}`;

describe("e2e: ByokConfiguration with the Pulumi CLI (npm pack tarball, file backend, real platform, moto)", function () {
  this.timeout(900_000);
  let moto: MotoServer;
  let restoreAws: () => void;
  let tp: TestPlatform;
  let project: UserProject;
  /** Tokens handed to Pulumi in some form; none may show up anywhere Pulumi writes. */
  const tokens: string[] = [];
  /** `pulumi stack export` taken while resources exist (after each up). */
  const exports: { where: string; text: string }[] = [];
  /** Platform API calls per operation, printed at the end for the report. */
  const callReport: string[] = [];

  interface Onboarded {
    accountId: string;
    token: string;
    client: PlatformClient;
    customer: Customer;
  }
  async function onboard(name: string, opts: { externalId?: string } = {}): Promise<Onboarded> {
    const a = await tp.newAccount(name);
    const trust = await a.client.getTrust(a.accountId);
    const customer = await provisionCustomer(moto.endpoint, { accountId: a.accountId, externalId: opts.externalId ?? trust.aws!.externalId });
    return { ...a, customer };
  }
  const state = (accountId: string): Promise<KeyManagementState> => tp.admin.getKeyManagement(accountId);
  const keyConfig = (c: Customer) => ({ keyArn: c.keyArn, roleArn: c.roleArn });

  /** Runs a command, counting the platform calls it made. */
  async function counted(label: string, run: () => Promise<PulumiResult>): Promise<{ r: PulumiResult; calls: Record<string, number> }> {
    const mark = tp.logs.length;
    const r = await run();
    const calls = platformCalls(tp.logs, mark);
    callReport.push(`${label.padEnd(44)} ${String(r.ms).padStart(6)} ms  ${JSON.stringify(calls)}`);
    return { r, calls };
  }
  const ok = (r: PulumiResult) => {
    expect(r.code, transcriptOf(r)).to.equal(0);
    return r;
  };
  async function previewJson(stack: string, args: string[] = [], env?: Record<string, string>): Promise<{ r: PulumiResult; preview: PreviewJson }> {
    const r = await runPulumi(project, ["preview", "--json", ...args], { stack, env });
    return { r, preview: parsePreview(r) };
  }

  let A: Onboarded; // secret-config stack
  let B1: Onboarded; // env-token stack, first account
  let B2: Onboarded; // env-token stack, second account
  let envStack: Record<string, string>;

  before(async () => {
    const started = Date.now();
    moto = await startMoto();
    restoreAws = useAwsEndpoint(moto.endpoint);
    const settings: PlatformSettings = { ...defaultSettings({}), awsPrincipalArn: MOTO_PLATFORM_PRINCIPAL, inspectTrustPolicy: true };
    tp = await startTestPlatform({ settings, maintenanceIntervalMs: 3_600_000, customerKeys: defaultCustomerKeys(settings, { aws: { timeoutMs: 5_000, maxAttempts: 1 } }) });
    project = await createUserProject({
      name: "register-existing-key",
      pulumiYaml: onboardingProjectFile(),
      indexTs: onboardingProgram(),
    });
    console.log(
      `      [e2e] pack ${timings.packMs} ms; npm install ${timings.installReused ? "reused (PULUMI_EKM_E2E_INSTALL_CACHE)" : `${timings.installMs} ms`}; setup ${Date.now() - started} ms`,
    );
    A = await onboard("secret-config");
    B1 = await onboard("env-token-1");
    B2 = await onboard("env-token-2");
    tokens.push(A.token, tp.adminToken);
    envStack = { EKM_PLATFORM_URL: tp.url, EKM_API_TOKEN: tp.adminToken };
  });
  after(async () => {
    if (callReport.length > 0) console.log(`      [e2e] platform API calls per command:\n${callReport.map((l) => `        ${l}`).join("\n")}`);
    await tp?.close();
    restoreAws?.();
    await moto?.stop();
  });

  it("up: registers the key and the status is active (token in secret stack config)", async () => {
    await initStack(project, SECRET_STACK, {
      "ekm:platformUrl": tp.url,
      "ekm:apiToken": { secret: A.token },
      accountId: A.accountId,
      keyArn: A.customer.keyArn,
      roleArn: A.customer.roleArn,
      nickname: "prod key",
      activationDate: ACTIVE_SINCE,
    });
    const { r, calls } = await counted("up (create)", () => runPulumi(project, ["up", "--yes"], { stack: SECRET_STACK }));
    ok(r);
    expect(calls.putByok, "one registration").to.equal(1);
    expect(calls.deleteByok ?? 0).to.equal(0);
    // Progress and warnings reach the CLI as diagnostics (the provider logs through the engine).
    const years = Math.floor((Date.now() - Date.parse(ACTIVE_SINCE)) / (365 * 24 * 3600 * 1000));
    expect(r.stdout, transcriptOf(r)).to.include(
      `warning: ByokConfiguration ${A.accountId}: activationDate ${ACTIVE_SINCE} is more than ${years} years in the past: the key protects new content as soon as it is registered; if you meant a later date, correct the year`,
    );
    for (const [i, step] of ["sts:AssumeRole", "kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"].entries()) {
      expect(r.stdout, transcriptOf(r)).to.include(`ByokConfiguration ${A.accountId}: dry run step ${i + 1}/4 ${step}: ok — `);
      expect(r.stdout, transcriptOf(r)).to.include(`ByokConfiguration ${A.accountId}: registration step ${i + 1}/4 ${step}: ok — `);
    }
    expect(r.stdout).not.to.contain("[runtime]");

    const outputs = await stackOutputs(project, SECRET_STACK);
    expect(outputs).to.deep.include({ accountId: A.accountId, nickname: "prod key", status: "active", effectiveKeySource: "byok" });
    expect(outputs.checks).to.deep.equal(["sts:AssumeRole: ok", "kms:DescribeKey: ok", "kms:GenerateDataKey: ok", "kms:Decrypt: ok"]);

    const live = await state(A.accountId);
    expect(live).to.deep.include({ mode: "byok", effectiveKeySource: "byok" });
    expect(live.byok).to.deep.include({ provider: "aws", aws: keyConfig(A.customer), nickname: "prod key", status: "active" });

    // A second preview sees nothing to do: the outputs compare equal to the program's inputs.
    const again = await counted("preview (no change)", () => runPulumi(project, ["preview", "--json", "--expect-no-changes"], { stack: SECRET_STACK }));
    ok(again.r);
    const unchanged = parsePreview(again.r);
    expect(byokOps(unchanged).filter((op) => op !== "same")).to.deep.equal([]);
    expect(unchanged.changeSummary).to.deep.equal({ same: 2 });
    expect(again.calls.validateByok ?? 0, "an unchanged key is not dry-run again").to.equal(0);

    exports.push({ where: `stack export ${SECRET_STACK} (after up)`, text: (await pulumiOk(project, ["stack", "export"], { stack: SECRET_STACK })).stdout });
  });

  it("a nickname change updates in place, with no replace in the preview", async () => {
    const before = (await state(A.accountId)).byok!;
    await setConfig(project, SECRET_STACK, { nickname: "prod key (renamed)" });

    const { r, preview } = await previewJson(SECRET_STACK);
    ok(r);
    expect(byokOps(preview)).to.deep.equal(["update"]);
    const step = byokStep(preview);
    expect(changedInputs(step)).to.deep.equal(["nickname"]);
    expect(step.replaceReasons ?? []).to.deep.equal([]);
    expect(preview.changeSummary).to.deep.equal({ same: 1, update: 1 });

    const up = await counted("up (nickname: update)", () => runPulumi(project, ["up", "--yes"], { stack: SECRET_STACK }));
    ok(up.r);
    expect(up.r.stdout).to.include(`${BYOK_CONFIGURATION_TYPE} byok updated`);
    expect(up.r.stdout).to.include("[diff: ~nickname]");
    expect(up.r.stdout).not.to.match(/replac/i);
    expect(up.calls).to.include({ patchByok: 1 });
    expect(up.calls.putByok ?? 0, "no re-registration").to.equal(0);
    expect(up.calls.deleteByok ?? 0, "no revert").to.equal(0);

    const after = (await state(A.accountId)).byok!;
    expect(after.nickname).to.equal("prod key (renamed)");
    expect(after.createdAt, "the same configuration, changed in place").to.equal(before.createdAt);
    expect(after.etag).not.to.equal(before.etag);
    expect((await stackOutputs(project, SECRET_STACK)).nickname).to.equal("prod key (renamed)");
  });

  it("an out-of-band change through the sdk shows in preview --refresh, and up --refresh converges", async () => {
    const current = (await A.client.getByok(A.accountId))!;
    await A.client.patchByok(A.accountId, { nickname: "changed outside Pulumi" }, { ifMatch: current.etag });

    // Without a refresh the state still holds Pulumi's last write, so nothing shows.
    const blind = await previewJson(SECRET_STACK);
    ok(blind.r);
    expect(byokOps(blind.preview).filter((op) => op !== "same")).to.deep.equal([]);
    expect(blind.preview.changeSummary).to.deep.equal({ same: 2 });

    const refreshed = await counted("preview --refresh (drift)", () => runPulumi(project, ["preview", "--refresh", "--json"], { stack: SECRET_STACK }));
    ok(refreshed.r);
    const preview = parsePreview(refreshed.r);
    expect(byokOps(preview).filter((op) => op !== "refresh")).to.deep.equal(["update"]);
    const step = byokStep(preview);
    expect(changedInputs(step)).to.deep.equal(["nickname"]);
    expect(step.oldState?.outputs?.nickname, "the refreshed (live) value").to.equal("changed outside Pulumi");
    expect(step.newState?.inputs?.nickname, "the program's value").to.equal("prod key (renamed)");
    expect(refreshed.calls.getKeyManagement, "read went to the platform").to.be.at.least(1);

    const up = await counted("up --refresh (converge)", () => runPulumi(project, ["up", "--refresh", "--yes"], { stack: SECRET_STACK }));
    ok(up.r);
    expect(up.calls).to.include({ patchByok: 1 });
    expect((await state(A.accountId)).byok!.nickname).to.equal("prod key (renamed)");

    const settled = await runPulumi(project, ["preview", "--refresh", "--json", "--expect-no-changes"], { stack: SECRET_STACK });
    ok(settled);
    expect(byokOps(parsePreview(settled)).filter((op) => op !== "refresh" && op !== "same")).to.deep.equal([]);
  });

  it("an account change replaces the resource (admin token in EKM_API_TOKEN)", async () => {
    await initStack(project, ENV_STACK, { accountId: B1.accountId, keyArn: B1.customer.keyArn, roleArn: B1.customer.roleArn, nickname: "team key", activationDate: ACTIVE_SINCE });
    const first = await counted("up (create, env token)", () => runPulumi(project, ["up", "--yes"], { stack: ENV_STACK, env: envStack }));
    ok(first.r);
    expect((await state(B1.accountId)).byok).to.deep.include({ status: "active", nickname: "team key" });
    exports.push({ where: `stack export ${ENV_STACK} (after up)`, text: (await pulumiOk(project, ["stack", "export"], { stack: ENV_STACK })).stdout });

    await setConfig(project, ENV_STACK, { accountId: B2.accountId, keyArn: B2.customer.keyArn, roleArn: B2.customer.roleArn });
    // With the new account's own token the old account could not be reverted: preview says so, before anything is created.
    tokens.push(B2.token);
    const refused = await counted("preview (accountId, new account's token)", () => runPulumi(project, ["preview"], { stack: ENV_STACK, env: { ...envStack, EKM_API_TOKEN: B2.token } }));
    expect(refused.r.code, transcriptOf(refused.r)).not.to.equal(0);
    expect(refused.r.stdout, transcriptOf(refused.r)).to.include(
      `error: ${BYOK_CONFIGURATION_TYPE} resource 'byok': property accountId value {${B2.accountId}} has a problem: changing the account from ${B1.accountId} replaces the resource: ` +
        `${B2.accountId} is registered first, then ${B1.accountId} is reverted to platform-managed keys, but this API token cannot reach ${B1.accountId} (404 not_found), so ${B1.accountId} would stay on BYOK. ` +
        `Run it with a token that reaches both accounts (the platform admin token in EKM_API_TOKEN or ekm:apiToken), or first run "pulumi destroy" with ${B1.accountId}'s token and then "pulumi up" with ${B2.accountId}'s`,
    );
    expect(refused.calls.putByok ?? 0).to.equal(0);
    expect((await state(B2.accountId)).byok, "nothing was created").to.equal(null);

    const { r, preview } = await previewJson(ENV_STACK, [], envStack);
    ok(r);
    expect(byokOps(preview)).to.deep.equal(["replace"]);
    const step = byokStep(preview);
    expect(step.replaceReasons).to.deep.equal(["accountId"]);
    expect(preview.changeSummary).to.deep.equal({ same: 1, replace: 1 });

    const up = await counted("up (accountId: replace)", () => runPulumi(project, ["up", "--yes"], { stack: ENV_STACK, env: envStack }));
    ok(up.r);
    expect(up.calls).to.include({ putByok: 1, deleteByok: 1 });
    const [b1, b2] = [await state(B1.accountId), await state(B2.accountId)];
    expect(b1, "the old account is back on platform keys").to.deep.include({ mode: "platform-managed", effectiveKeySource: "platform", byok: null });
    expect(b2).to.deep.include({ mode: "byok", effectiveKeySource: "byok" });
    expect(b2.byok).to.deep.include({ aws: keyConfig(B2.customer), nickname: "team key", status: "active" });
    expect(await stackOutputs(project, ENV_STACK)).to.deep.include({ accountId: B2.accountId, status: "active" });
    exports.push({ where: `stack export ${ENV_STACK} (after replace)`, text: (await pulumiOk(project, ["stack", "export"], { stack: ENV_STACK })).stdout });
  });

  {
    const cases: { what: string; check: string; property: string; message: RegExp; setup: () => Promise<{ stack: string; accountId: string; env?: Record<string, string>; restore?: () => Promise<void> }> }[] = [
      {
        what: "a role that trusts another external ID (new stack)",
        check: "sts:AssumeRole",
        property: "config.aws.roleArn",
        message: /external ID|ExternalId/i,
        setup: async () => {
          const C = await onboard("wrong-external-id", { externalId: "ekm-someone-else" });
          tokens.push(C.token);
          await initStack(project, "wrong-external-id", {
            "ekm:platformUrl": tp.url,
            "ekm:apiToken": { secret: C.token },
            accountId: C.accountId,
            keyArn: C.customer.keyArn,
            roleArn: C.customer.roleArn,
            nickname: "prod key",
            activationDate: ACTIVE_SINCE,
          });
          return { stack: "wrong-external-id", accountId: C.accountId };
        },
      },
      {
        what: "a disabled key (key change on the registered stack)",
        check: "kms:DescribeKey",
        property: "config.aws.keyArn",
        message: /is disabled/,
        setup: async () => {
          const trust = await A.client.getTrust(A.accountId);
          const other = await provisionCustomer(moto.endpoint, { accountId: A.accountId, externalId: trust.aws!.externalId });
          await other.kms.send(new DisableKeyCommand({ KeyId: other.keyId }));
          await setConfig(project, SECRET_STACK, { keyArn: other.keyArn, roleArn: other.roleArn });
          return {
            stack: SECRET_STACK,
            accountId: A.accountId,
            restore: () => setConfig(project, SECRET_STACK, { keyArn: A.customer.keyArn, roleArn: A.customer.roleArn }),
          };
        },
      },
    ];
    for (const c of cases) {
      it(`a failing key shows in preview as a check failure: ${c.check} for ${c.what}; nothing stored`, async () => {
        const { stack, accountId, env, restore } = await c.setup();
        const before = await state(accountId);
        const { r, calls } = await counted(`preview (failing key: ${c.check})`, () => runPulumi(project, ["preview"], { stack, env }));
        try {
          expect(r.code, transcriptOf(r)).not.to.equal(0);
          const out = `${r.stdout}\n${r.stderr}`;
          // The engine prints each check failure under the resource; a nested property leads the reason.
          const line = out.split("\n").find((l) => l.includes(`error: ${BYOK_CONFIGURATION_TYPE} resource 'byok' has a problem: ${c.property}: `) && l.includes(c.check));
          expect(line, `a line naming ${c.check}\n${transcriptOf(r)}`).to.be.a("string");
          expect(line).to.match(c.message);
          callReport.push(`  ↳ ${line!.trim()}`);
          expect(out).to.include(c.property);
          expect(out, "a nested property is named in the reason, never shown as value {<nil>}").not.to.contain("<nil>");
          expect(out).to.include(BYOK_CONFIGURATION_TYPE);
          expect(calls.validateByok, "the dry run ran on the platform").to.equal(1);
          expect(calls.putByok ?? 0).to.equal(0);
          expect(await state(accountId), "nothing changed on the platform").to.deep.equal(before);
        } finally {
          await restore?.();
        }
        // Back on the good key there is nothing to do (the failing config was never stored).
        if (restore) ok(await runPulumi(project, ["preview", "--expect-no-changes"], { stack, env }));
      });
    }
  }

  // moto does not refuse data calls on a disabled key, so the refused and the forced revert are
  // driven against the real platform with a failing customer key in the unit suite
  // (test/unit/dynamic-providers/provider.test.ts); here the engine's side: the flag is an in-place
  // update that writes nothing, and destroy shows the re-wrap count.
  it("forceRevertOnDelete is an in-place update that writes nothing; destroy reverts and shows the re-wrap count", async () => {
    await A.client.encryptContent(A.accountId, "written under the customer key");
    await setConfig(project, SECRET_STACK, { forceRevertOnDelete: "true" });
    const flagged = await counted("up (forceRevertOnDelete: update)", () => runPulumi(project, ["up", "--yes"], { stack: SECRET_STACK }));
    ok(flagged.r);
    expect(flagged.r.stdout).to.include("[diff: ~forceRevertOnDelete]");
    expect(flagged.calls.putByok ?? 0, "the flag writes nothing to the platform").to.equal(0);
    expect(flagged.calls.patchByok ?? 0).to.equal(0);

    const forced = await counted("destroy (forceRevertOnDelete)", () => runPulumi(project, ["destroy", "--yes"], { stack: SECRET_STACK }));
    ok(forced.r);
    expect(forced.calls).to.include({ deleteByok: 1 });
    expect(forced.r.stdout).to.include(
      `ByokConfiguration ${A.accountId}: reverting to platform-managed keys: re-wrapping the account's data keys under the platform key (forceRevertOnDelete: data keys the customer key no longer unwraps are given up)`,
    );
    expect(forced.r.stdout).to.match(new RegExp(`ByokConfiguration ${A.accountId}: reverted to platform-managed keys: re-wrapped [1-9]\\d* data keys? under the platform key`));
    expect(forced.r.stdout, "nothing was given up").not.to.contain("unreadable");
    expect(await state(A.accountId)).to.deep.include({ mode: "platform-managed", effectiveKeySource: "platform", byok: null });
  });

  it("destroy: each account is back to platform-managed keys", async () => {
    expect(await state(A.accountId)).to.deep.include({ mode: "platform-managed", effectiveKeySource: "platform", byok: null });

    const b = await counted("destroy (env token)", () => runPulumi(project, ["destroy", "--yes"], { stack: ENV_STACK, env: envStack }));
    ok(b.r);
    expect(b.calls).to.include({ deleteByok: 1 });
    expect(b.r.stdout).to.match(new RegExp(`ByokConfiguration ${B2.accountId}: reverted to platform-managed keys: re-wrapped \\d+ data keys? under the platform key`));
    expect(await state(B2.accountId)).to.deep.include({ mode: "platform-managed", effectiveKeySource: "platform", byok: null });
    expect(await state(B1.accountId)).to.deep.include({ mode: "platform-managed", byok: null });

    const events = (await A.client.listEvents(A.accountId, { limit: 500 })).events.map((e) => e.type);
    expect(events.filter((t) => t.startsWith("byok.")).at(-1), "the revert is the last BYOK event").to.equal("byok.reverted");
  });

  it("no token in the exported state, the backend's files, the CLI's output or the platform's logs", async () => {
    expect(tokens.length).to.be.at.least(2);
    // The scan itself can fail: it finds a token planted in a copy of real output.
    expect(findSecrets([{ where: "planted", text: `x ${tokens[0]} y` }], tokens)).to.have.length(1);

    const haystacks = [
      ...exports,
      { where: `stack export ${SECRET_STACK} (after destroy)`, text: (await pulumiOk(project, ["stack", "export"], { stack: SECRET_STACK })).stdout },
      ...filesUnder(project.dir).map((f) => ({ where: path.relative(project.dir, f.file), text: f.text })),
      ...project.transcript.map((r, i) => ({ where: `command ${i}: pulumi ${r.args.join(" ")}`, text: `${r.stdout}\n${r.stderr}` })),
      { where: "platform logs", text: tp.logs.join("\n") },
    ];
    expect(haystacks.some((h) => h.where.includes(path.join(".backend", ".pulumi", "stacks"))), "the backend's state files are scanned").to.equal(true);
    expect(findSecrets(haystacks, tokens)).to.deep.equal([]);
    // Not covered on purpose: the engine's own debug logs (`-v=9 --logtostderr`) print the
    // default provider's config inputs decrypted (`ekm:apiToken={&{{<token>}}}`); that is the
    // Pulumi engine's verbose logging, which Pulumi documents as possibly holding secrets.

    // The secret config is stored as ciphertext in the stack's config file, and the state has
    // no copy of it (not even encrypted): the provider reads it from the config at run time.
    const stackConfig = readFileSync(path.join(project.dir, `Pulumi.${SECRET_STACK}.yaml`), "utf8");
    expect(stackConfig).to.match(/ekm:apiToken:\s*\n\s*secure: v1:[A-Za-z0-9+/=:]+/);
    // The engine records the stack config as the inputs of the default `pulumi-nodejs` provider
    // (the one that runs dynamic resources): the secret is there as ciphertext only.
    const providerInputs = (text: string) => {
      const deployment = (JSON.parse(text) as { deployment: { resources?: { type: string; inputs?: Record<string, unknown> }[] } }).deployment;
      const providers = (deployment.resources ?? []).filter((r) => r.type === "pulumi:providers:pulumi-nodejs");
      expect(providers, "one default pulumi-nodejs provider").to.have.length(1);
      return providers[0].inputs ?? {};
    };
    const secretStackInputs = providerInputs(exports.find((e) => e.where.startsWith(`stack export ${SECRET_STACK}`))!.text);
    const token = secretStackInputs["ekm:apiToken"] as Record<string, unknown>;
    expect(Object.keys(token).sort()).to.deep.equal([SECRET_SIG.key, "ciphertext"].sort());
    expect(token[SECRET_SIG.key]).to.equal(SECRET_SIG.value);
    expect(token.ciphertext).to.match(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(secretStackInputs["ekm:platformUrl"]).to.equal(tp.url);
    const envStackInputs = providerInputs(exports.find((e) => e.where.startsWith(`stack export ${ENV_STACK}`))!.text);
    expect(Object.keys(envStackInputs).filter((k) => k.startsWith("ekm:")), "the env-token stack has no ekm config at all").to.deep.equal([]);
  });
});
