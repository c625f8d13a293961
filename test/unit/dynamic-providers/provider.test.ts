import * as path from "node:path";
// The ByokConfiguration provider, loaded from its serialized text as the engine loads it, and
// driven through check/diff/create/read/update/delete against the real local platform on
// loopback. Only the customer's KMS is simulated in-process (fakeCustomerKeys.ts); the AWS path
// against moto is test/integration/dynamic-providers/provider.test.ts.
import { expect } from "chai";
import { BYOK_CONFIGURATION_TYPE } from "../../../dynamic-providers";
import type { ByokConfigurationProvider } from "../../../dynamic-providers/provider";
import { startTestPlatform, type TestPlatform } from "../../support/platform";
import { freePort } from "../../support/ports";
import { FakeKms } from "./fakeCustomerKeys";
import { loadProvider, register, type Registered } from "./serialized";
import { outputsOf } from "../../../dynamic-providers/operations";
import { rejection } from "../../support/rejection";
import { CustomerKeyError } from "../../../platform/customer-keys/types";

const ROLE = "arn:aws:iam::111122223333:role/ekm-platform-access";
const keyArn = (n: number) => `arn:aws:kms:us-east-1:111122223333:key/${String(n).padStart(8, "0")}-12ab-34cd-56ef-1234567890ab`;
const aws = (n: number) => ({ provider: "aws" as const, aws: { keyArn: keyArn(n), roleArn: ROLE } });
const VAULT = "https://contoso-byok.vault.azure.net/";
const AZURE = { provider: "azure" as const, azure: { vaultUrl: VAULT, tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", keyName: "ekm-key" } };
const PAST = "2020-01-01";
const SETTINGS_ENV = ["EKM_PLATFORM_URL", "EKM_API_TOKEN"] as const;
/** The warning check gives for the PAST activation date of a new resource. */
const pastNotice = (accountId: string) =>
  `warning: ByokConfiguration ${accountId}: activationDate ${PAST} is more than ${Math.floor((Date.now() - Date.parse(PAST)) / (365 * 24 * 3600 * 1000))} years in the past: ` +
  "the key protects new content as soon as it is registered; if you meant a later date, correct the year";

/** Sets the platform env for the provider, remembering what was there. */
function useEnv(vars: Partial<Record<(typeof SETTINGS_ENV)[number], string | undefined>>): void {
  for (const k of SETTINGS_ENV) {
    const v = vars[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}


describe("ByokConfiguration provider, loaded from its serialized text", function () {
  this.timeout(20_000);
  const kms = new FakeKms();
  let tp: TestPlatform;
  let reg: Registered;
  let provider: ByokConfigurationProvider;
  const saved = SETTINGS_ENV.map((k) => [k, process.env[k]] as const);
  /** What the provider logged (outside the engine's provider process its log is stderr): `warning: …` and `info: …` lines. */
  const logged: string[] = [];
  const warnings: string[] = [];
  const infos: string[] = [];
  const originalError = console.error;
  /** Every string the provider produced: outputs, read results, errors, warnings (scanned for the token). */
  const produced: string[] = [];
  const tokens: string[] = [];

  /** A fresh account whose token the provider reads from the environment. */
  async function account(name: string) {
    const a = await tp.newAccount(name);
    tokens.push(a.token);
    useEnv({ EKM_PLATFORM_URL: tp.url, EKM_API_TOKEN: a.token });
    return a;
  }
  const inputsFor = (accountId: string, config: unknown, extra: Record<string, unknown> = {}) => ({
    __provider: reg.providerText,
    accountId,
    config,
    nickname: "prod key",
    activationDate: PAST,
    adoptExisting: false,
    forceRevertOnDelete: false,
    ...extra,
  });
  const keep = <T>(value: T): T => {
    produced.push(JSON.stringify(value));
    return value;
  };
  const failing = async (p: Promise<unknown>) => keep((await rejection(p)).message);

  before(async () => {
    for (let n = 1; n <= 9; n++) kms.add(keyArn(n));
    kms.add(`${VAULT}keys/ekm-key`);
    tp = await startTestPlatform({ customerKeys: kms.factory, maintenanceIntervalMs: 3_600_000 });
    const first = await account("registration");
    reg = await register("byok", { accountId: first.accountId, config: aws(1), nickname: "prod key", activationDate: PAST });
    provider = loadProvider(reg.providerText);
    console.error = (...args: unknown[]) => {
      const line = args.map(String).join(" ");
      logged.push(line);
      if (line.startsWith("warning: ")) warnings.push(line);
      else if (line.startsWith("info: ")) infos.push(line.slice("info: ".length));
      else originalError(...args);
    };
  });

  after(async () => {
    console.error = originalError;
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await tp?.close();
  });

  beforeEach(() => {
    warnings.length = 0;
    infos.length = 0;
    logged.length = 0;
  });

  it("registers under its own type token with the inputs, and a provider text that captures only module paths", () => {
    expect(reg.type).to.equal("pulumi-nodejs:dynamic/ekm:ByokConfiguration");
    expect(BYOK_CONFIGURATION_TYPE).to.equal(reg.type);
    expect(Object.keys(reg.inputs).sort()).to.deep.equal(["__preview", "__provider", "accountId", "activationDate", "adoptExisting", "config", "forceRevertOnDelete", "nickname"]);
    expect(reg.inputs.adoptExisting).to.equal(false);
    // The mocks run as an update, not a preview.
    expect(reg.inputs.__preview).to.equal(false);
    expect(reg.providerText).to.match(/^exports\.handler = /);
    expect(reg.providerText).to.include(JSON.stringify(path.join(path.resolve(__dirname, "..", "..", ".."), "dynamic-providers", "operations")));
    expect(reg.providerText).to.include('"pulumi-ekm/dynamic-providers/operations"');
    // Nothing but the implementation is loaded: no SDK, client or schema is serialized or required.
    expect(reg.providerText).not.to.match(/require\("/);
    expect(reg.providerText).not.to.match(/PlatformClient|zod|fetch\(/);
    // Every resource's state carries this text, and the engine rewrites the state after each step.
    // Two captured paths are absolute, so the budget counts this checkout as if it were at /work/pulumi-ekm.
    const checkout = path.resolve(__dirname, "..", "..", "..");
    const size = Buffer.byteLength(reg.providerText.split(checkout).join("/work/pulumi-ekm"), "utf8");
    expect(size, `__provider is ${size} bytes`).to.be.at.most(1024);
  });

  it("runs check, create, read, diff, update (PATCH, then PUT) and delete as the engine calls them", async () => {
    const a = await tp.newAccount("lifecycle");
    tokens.push(a.token);
    useEnv({ EKM_PLATFORM_URL: tp.url, EKM_API_TOKEN: a.token });
    const news = inputsFor(a.accountId, aws(1));

    const checked = keep(await provider.check({}, news));
    expect(checked.failures).to.deep.equal([]);
    expect(checked.inputs).to.deep.equal(news);

    const created = keep(await provider.create(checked.inputs));
    expect(created.id).to.equal(a.accountId);
    const outs = created.outs;
    expect(outs).to.include({ accountId: a.accountId, nickname: "prod key", activationDate: PAST, adoptExisting: false, status: "active", effectiveKeySource: "byok", platformKeyVersion: "pk-1" });
    expect(outs.config).to.deep.equal(aws(1));
    expect(outs.validation).to.include({ phase: "registration", ok: true });
    expect(outs.validation.checks.map((c: { name: string }) => c.name)).to.deep.equal(["sts:AssumeRole", "kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"]);
    expect(outs.etag).to.be.a("string");
    expect(outs).not.to.have.property("fallback");
    expect((await a.client.getKeyManagement(a.accountId)).mode).to.equal("byok");

    const state = { ...outs, __provider: reg.providerText };
    const read = keep(await provider.read(a.accountId, state));
    expect(read).to.deep.equal({
      id: a.accountId,
      props: outs,
      inputs: { accountId: a.accountId, config: aws(1), nickname: "prod key", activationDate: PAST, adoptExisting: false, forceRevertOnDelete: false },
    });

    expect(await provider.diff(a.accountId, state, news)).to.deep.equal({ changes: false, replaces: [], deleteBeforeReplace: false });
    const renamed = { ...news, nickname: "renamed" };
    expect(await provider.diff(a.accountId, state, renamed)).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect((await provider.check(news, renamed)).failures).to.deep.equal([]);
    const patched = keep(await provider.update(a.accountId, state, renamed)).outs;
    expect(patched).to.include({ nickname: "renamed", createdAt: outs.createdAt });
    expect(patched.etag).not.to.equal(outs.etag);
    expect(patched.validation, "a PATCH does not revalidate").to.deep.equal(outs.validation);

    // Content encrypted under the customer key before the key changes and before the revert.
    const sealed = await a.client.encryptContent(a.accountId, "under byok");
    expect(sealed.keySource).to.equal("byok-aws");

    const rekeyed = { ...renamed, config: aws(2) };
    expect(await provider.diff(a.accountId, { ...patched, __provider: reg.providerText }, rekeyed)).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect((await provider.check(renamed, rekeyed)).failures).to.deep.equal([]);
    const put = keep(await provider.update(a.accountId, { ...patched, __provider: reg.providerText }, rekeyed)).outs;
    expect(put.config).to.deep.equal(aws(2));
    expect(put.validation.phase).to.equal("registration");
    expect(put.validation.checks[0].message).to.equal(`sts:AssumeRole succeeded on ${keyArn(2)}`);

    const events = (await a.client.listEvents(a.accountId)).events.filter((e) => e.type === "byok.updated").map((e) => e.data.keyChanged);
    expect(events).to.deep.equal([false, true]);

    await provider.delete(a.accountId, { ...put, __provider: reg.providerText });
    const after = await a.client.getKeyManagement(a.accountId);
    expect(after).to.include({ mode: "platform-managed", effectiveKeySource: "platform", byok: null });
    const reverted = (await a.client.listEvents(a.accountId)).events.find((e) => e.type === "byok.reverted");
    expect(reverted?.data.rewrappedDataKeys, "delete returns once the data keys are re-wrapped").to.be.greaterThan(0);
    const opened = await a.client.decryptContent(a.accountId, sealed.ciphertext);
    expect(Buffer.from(opened.plaintext, "base64").toString()).to.equal("under byok");

    infos.length = 0;
    await provider.delete(a.accountId, { ...put, __provider: reg.providerText });
    expect(infos).to.deep.equal([
      `ByokConfiguration ${a.accountId}: reverting to platform-managed keys: re-wrapping the account's data keys under the platform key`,
      `ByokConfiguration ${a.accountId}: the account had no BYOK configuration: nothing to revert`,
    ]);
    expect(await provider.read(a.accountId, put), "a deleted configuration reads as gone").to.deep.equal({});
    // Only the first check (a new resource) speaks of the PAST activation date; later ones see it unchanged.
    expect(warnings).to.deep.equal([
      pastNotice(a.accountId),
      `warning: ByokConfiguration ${a.accountId}: the account has no BYOK configuration on the platform any more (reverted outside Pulumi); "pulumi up" registers it again`,
    ]);
  });

  it("adopts an identical configuration without writing, refuses a different one naming it, and takes it over with adoptExisting", async () => {
    const a = await account("adoption");
    await a.client.putByok(a.accountId, { ...aws(3), nickname: "made by hand", activationDate: PAST });
    const writes = async () => (await a.client.listEvents(a.accountId)).events.filter((e) => e.type === "byok.configured" || e.type === "byok.updated").length;
    expect(await writes()).to.equal(1);

    const adopted = keep(await provider.create(inputsFor(a.accountId, aws(3), { nickname: "made by hand" })));
    expect(adopted.id).to.equal(a.accountId);
    expect(adopted.outs).to.include({ nickname: "made by hand", status: "active" });
    expect(await writes(), "adopting an identical configuration writes nothing").to.equal(1);

    const message = await failing(provider.create(inputsFor(a.accountId, aws(4))));
    expect(message).to.equal(
      `ByokConfiguration ${a.accountId}: the account already has a BYOK configuration, AWS KMS key ${keyArn(3)} (role ${ROLE}) nicknamed "made by hand" (activation ${PAST}), ` +
        "which differs from this one. One configuration per account: set adoptExisting: true to take it over and replace it with this one, or change the inputs to match it to adopt it as it is",
    );
    expect(await a.client.getByok(a.accountId)).to.deep.include({ aws: aws(3).aws, nickname: "made by hand" });

    const taken = keep(await provider.create(inputsFor(a.accountId, aws(4), { adoptExisting: true })));
    expect(taken.outs).to.include({ nickname: "prod key", adoptExisting: true });
    expect(taken.outs.config).to.deep.equal(aws(4));
    expect(await writes()).to.equal(2);
  });

  it("fails check naming the failed validation step, and create stores nothing", async () => {
    const a = await account("refused");
    kms.break(keyArn(5), "kms:GenerateDataKey", `kms:GenerateDataKey denied for role ${ROLE} — the role policy must allow it with kms:EncryptionContext:tenant_id = ${a.accountId}`);
    const news = inputsFor(a.accountId, aws(5));
    const checked = keep(await provider.check({}, news));
    expect(checked.failures).to.deep.equal([
      {
        property: "",
        reason: `config.aws.keyArn: kms:GenerateDataKey denied for role ${ROLE} — the role policy must allow it with kms:EncryptionContext:tenant_id = ${a.accountId}`,
      },
    ]);
    const message = await failing(provider.create(news));
    expect(message).to.equal(
      `ByokConfiguration ${a.accountId}: the platform refused AWS KMS key ${keyArn(5)} (role ${ROLE}); nothing was stored:\n` +
        `  kms:GenerateDataKey denied for role ${ROLE} — the role policy must allow it with kms:EncryptionContext:tenant_id = ${a.accountId}`,
    );
    expect(await a.client.getByok(a.accountId)).to.equal(undefined);
    kms.heal(keyArn(5));
  });

  it("fails check on schema problems before calling the platform, and skips the dry run for a nickname change", async () => {
    const a = await account("schema");
    const before = (await a.client.listEvents(a.accountId)).events.length;
    const bad = keep(await provider.check({}, inputsFor(a.accountId, { provider: "aws", aws: { keyArn: "alias/ekm", roleArn: ROLE } })));
    expect(bad.failures).to.deep.equal([
      {
        property: "",
        reason:
          'config.aws.keyArn must be a KMS key ARN arn:<partition>:kms:<region>:<12-digit account>:key/<key UUID or mrk-id>, e.g. arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab; received "alias/ekm"',
      },
    ]);
    const renamed = keep(await provider.check(inputsFor(a.accountId, aws(6)), inputsFor(a.accountId, aws(6), { nickname: "renamed" })));
    expect(renamed.failures).to.deep.equal([]);
    expect((await a.client.listEvents(a.accountId)).events.length, "no dry run happened").to.equal(before);
  });

  it("warns and passes check when the platform is unreachable or not configured; create then fails with the fix", async () => {
    const port = await freePort();
    useEnv({ EKM_PLATFORM_URL: `http://127.0.0.1:${port}`, EKM_API_TOKEN: "unreachable-token" });
    const news = inputsFor("acct-aaaa1111", aws(6));
    const unreachable = keep(await provider.check({}, news));
    expect(unreachable.failures).to.deep.equal([]);
    expect(warnings).to.have.length(2);
    expect(warnings[0]).to.equal(pastNotice("acct-aaaa1111"));
    expect(warnings[1]).to.match(
      new RegExp(`^warning: ByokConfiguration acct-aaaa1111: could not dry-run the key validation on the platform at http://127\\.0\\.0\\.1:${port} \\(network_error\\): could not reach http://127\\.0\\.0\\.1:${port}: .+; the platform validates the key again when it is registered$`),
    );

    warnings.length = 0;
    useEnv({});
    const unconfigured = keep(await provider.check({}, news));
    expect(unconfigured.failures).to.deep.equal([]);
    expect(warnings).to.deep.equal([
      pastNotice("acct-aaaa1111"),
      'warning: ByokConfiguration acct-aaaa1111: the platform URL is not set: run "pulumi config set ekm:platformUrl https://<platform host>" or set EKM_PLATFORM_URL; ' +
        "skipped the dry-run validation of the key (the platform validates it when it is registered)",
    ]);
    expect(await failing(provider.create(news))).to.equal('the platform URL is not set: run "pulumi config set ekm:platformUrl https://<platform host>" or set EKM_PLATFORM_URL');
  });

  it("fails check on accountId when the token belongs to another account", async () => {
    const a = await account("owner");
    const other = await account("other");
    const checked = keep(await provider.check({}, inputsFor(a.accountId, aws(7))));
    expect(checked.failures).to.deep.equal([
      { property: "accountId", reason: `account "${a.accountId}" cannot be used with this API token on the platform at ${tp.url} (404 not_found): account ${a.accountId} not found` },
    ]);
    expect(other.accountId).not.to.equal(a.accountId);
  });

  it("reads drift made outside Pulumi (nickname, fallback, deletion) and refuses to overwrite it unseen", async () => {
    const a = await account("drift");
    const news = inputsFor(a.accountId, aws(8));
    const { outs } = await provider.create(news);
    const state = { ...outs, __provider: reg.providerText };

    await a.client.patchByok(a.accountId, { nickname: "changed by hand" }, { ifMatch: outs.etag });
    const drifted = keep(await provider.read(a.accountId, state));
    expect(drifted.props).to.include({ nickname: "changed by hand", status: "active" });
    expect(drifted.inputs).to.include({ nickname: "changed by hand" });

    const stale = await failing(provider.update(a.accountId, state, { ...news, activationDate: "2021-01-01" }));
    expect(stale).to.equal(
      `ByokConfiguration ${a.accountId}: the configuration changed on the platform since Pulumi last read it (etag ${outs.etag} is stale): run "pulumi refresh" to see the change, then "pulumi up" again`,
    );
    // After the refresh, the program's nickname is restored in place.
    const refreshed = { ...drifted.props, __provider: reg.providerText };
    expect(await provider.diff(a.accountId, refreshed, news)).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: false });
    const restored = keep(await provider.update(a.accountId, refreshed, news)).outs;
    expect(restored.nickname).to.equal("prod key");

    kms.break(keyArn(8), "kms:GenerateDataKey", "kms:GenerateDataKey denied: the key policy no longer allows the role");
    const sealed = await a.client.encryptContent(a.accountId, "during the outage");
    expect(sealed.keySource).to.equal("platform");
    const degraded = keep(await provider.read(a.accountId, restored));
    expect(degraded.props).to.include({ status: "degraded", effectiveKeySource: "platform-fallback" });
    expect(degraded.props?.fallback?.reason).to.equal("kms:GenerateDataKey denied: the key policy no longer allows the role");
    expect(warnings.at(-1)).to.equal(
      `warning: ByokConfiguration ${a.accountId}: status degraded: new content falls back to the platform key since ${degraded.props?.fallback?.since}: kms:GenerateDataKey denied: the key policy no longer allows the role`,
    );
    kms.heal(keyArn(8));

    await a.client.deleteByok(a.accountId);
    expect(await provider.read(a.accountId, restored), "deleted outside Pulumi: gone, so the next up creates it again").to.deep.equal({});
    expect(await failing(provider.update(a.accountId, restored, { ...news, nickname: "again" }))).to.equal(
      `ByokConfiguration ${a.accountId}: the configuration was deleted outside Pulumi: run "pulumi refresh", and "pulumi up" registers it again`,
    );
  });

  it("retries a PUT whose first attempt committed: a stale etag over the identical configuration is success, over another one the refresh error", async () => {
    const a = await account("retried");
    const { outs } = await provider.create(inputsFor(a.accountId, aws(2)));
    const state = { ...outs, __provider: reg.providerText };
    const rekeyed = inputsFor(a.accountId, aws(3));
    const writes = async () => (await a.client.listEvents(a.accountId)).events.filter((e) => e.type === "byok.configured" || e.type === "byok.updated").length;

    // What a lost answer leaves behind: the platform committed the first attempt (new etag), and
    // the client's retry carries the etag Pulumi read before it.
    await a.client.putByok(a.accountId, { ...aws(3), nickname: "prod key", activationDate: PAST }, { ifMatch: outs.etag });
    expect(await writes()).to.equal(2);
    const put = keep(await provider.update(a.accountId, state, rekeyed)).outs;
    expect(put.config).to.deep.equal(aws(3));
    expect(put.etag).not.to.equal(outs.etag);
    expect(await writes(), "the retry's 412 wrote nothing").to.equal(2);
    expect(warnings).to.deep.equal([]);

    // The same key under another nickname is a change made outside Pulumi: the stale-etag error stays.
    await a.client.putByok(a.accountId, { ...aws(4), nickname: "by hand", activationDate: PAST }, { ifMatch: put.etag });
    const stale = await failing(provider.update(a.accountId, { ...put, __provider: reg.providerText }, inputsFor(a.accountId, aws(4))));
    expect(stale).to.equal(
      `ByokConfiguration ${a.accountId}: the configuration changed on the platform since Pulumi last read it (etag ${put.etag} is stale): run "pulumi refresh" to see the change, then "pulumi up" again`,
    );
    expect(await a.client.getByok(a.accountId)).to.deep.include({ aws: aws(4).aws, nickname: "by hand" });
  });

  it("fails delete when the token belongs to another account or the account is unknown, and leaves the configuration", async () => {
    const a = await account("old-account");
    const { outs } = await provider.create(inputsFor(a.accountId, aws(2)));
    // A change of accountId replaces the resource: the delete of the old one runs with the new account's token.
    const b = await account("new-account");
    const message = await failing(provider.delete(a.accountId, { ...outs, __provider: reg.providerText }));
    expect(message).to.equal(
      `ByokConfiguration ${a.accountId}: the platform at ${tp.url} does not know the account, or the API token belongs to another account (account ${a.accountId} not found). ` +
        'Check ekm:apiToken / EKM_API_TOKEN; if the account was deleted, remove the resource with "pulumi state delete"',
    );
    expect(warnings).to.deep.equal([]);
    expect((await a.client.getKeyManagement(a.accountId)).mode, "the old account stays on BYOK").to.equal("byok");

    const unknown = await failing(provider.delete("acct-0000000000000000", { ...outs, accountId: "acct-0000000000000000", __provider: reg.providerText }));
    expect(unknown).to.match(/^ByokConfiguration acct-0000000000000000: the platform at \S+ does not know the account, or the API token belongs to another account \(account acct-0000000000000000 not found\)\. /);

    // With the account's own token, the delete reverts; a second one finds nothing to revert and succeeds.
    useEnv({ EKM_PLATFORM_URL: tp.url, EKM_API_TOKEN: a.token });
    await provider.delete(a.accountId, outs);
    await provider.delete(a.accountId, outs);
    expect((await a.client.getKeyManagement(a.accountId)).mode).to.equal("platform-managed");
    expect(b.accountId).not.to.equal(a.accountId);
  });

  it("refuses to delete while the customer key cannot unwrap the account's data", async () => {
    const a = await account("stuck");
    const { outs } = await provider.create(inputsFor(a.accountId, aws(9)));
    await a.client.encryptContent(a.accountId, "needs the customer key");
    kms.break(keyArn(9), "kms:Decrypt", "kms:Decrypt denied: the key is disabled");
    const message = await failing(provider.delete(a.accountId, outs));
    expect(message).to.equal(
      `ByokConfiguration ${a.accountId}: cannot revert to platform-managed keys, so the configuration stays: the customer key no longer unwraps this account's data ` +
        "(kms:Decrypt denied: the key is disabled); 1 data keys protecting 1 messages would become unreadable. " +
        'Restore access to the key and retry. To revert anyway and give up that data, set forceRevertOnDelete: true on the resource, run "pulumi up", then destroy again',
    );
    expect((await a.client.getKeyManagement(a.accountId)).mode, "the configuration stays").to.equal("byok");
    kms.heal(keyArn(9));
    await provider.delete(a.accountId, outs);
    expect((await a.client.getKeyManagement(a.accountId)).mode).to.equal("platform-managed");
  });

  it("with forceRevertOnDelete (an in-place update that calls nothing) reverts anyway and logs what became unreadable", async () => {
    const a = await account("forced");
    const news = inputsFor(a.accountId, aws(9));
    const { outs } = await provider.create(news);
    await a.client.encryptContent(a.accountId, "needs the customer key");
    kms.break(keyArn(9), "kms:Decrypt", "kms:Decrypt denied: the key is disabled");
    const forced = { ...news, forceRevertOnDelete: true };
    const state = { ...outs, __provider: reg.providerText };
    expect(await provider.diff(a.accountId, state, forced)).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: false });
    const events = (await a.client.listEvents(a.accountId)).events.length;
    const updated = keep(await provider.update(a.accountId, state, forced)).outs;
    expect(updated.forceRevertOnDelete).to.equal(true);
    expect((await a.client.listEvents(a.accountId)).events.length, "the update wrote nothing to the platform").to.equal(events);

    infos.length = 0;
    warnings.length = 0;
    await provider.delete(a.accountId, { ...updated, __provider: reg.providerText });
    expect((await a.client.getKeyManagement(a.accountId)).mode).to.equal("platform-managed");
    expect(infos).to.deep.equal([
      `ByokConfiguration ${a.accountId}: reverting to platform-managed keys: re-wrapping the account's data keys under the platform key (forceRevertOnDelete: data keys the customer key no longer unwraps are given up)`,
      `ByokConfiguration ${a.accountId}: reverted to platform-managed keys: re-wrapped 0 data keys under the platform key`,
    ]);
    expect(warnings).to.deep.equal([`warning: ByokConfiguration ${a.accountId}: 1 data key (1 message) could not be re-wrapped and is now unreadable`]);
    kms.heal(keyArn(9));
  });

  it("fails check of an accountId change when the token cannot reach the old account, before anything is created", async () => {
    const old = await account("replaced-old");
    const { outs } = await provider.create(inputsFor(old.accountId, aws(1)));
    const next = await account("replaced-new");
    const checked = keep(await provider.check({ ...outs, __provider: reg.providerText }, inputsFor(next.accountId, aws(2))));
    expect(checked.failures).to.deep.equal([
      {
        property: "accountId",
        reason:
          `changing the account from ${old.accountId} replaces the resource: ${next.accountId} is registered first, then ${old.accountId} is reverted to platform-managed keys, ` +
          `but this API token cannot reach ${old.accountId} (404 not_found), so ${old.accountId} would stay on BYOK. Run it with a token that reaches both accounts ` +
          `(the platform admin token in EKM_API_TOKEN or ekm:apiToken), or first run "pulumi destroy" with ${old.accountId}'s token and then "pulumi up" with ${next.accountId}'s`,
      },
    ]);
    expect((await next.client.getKeyManagement(next.accountId)).byok, "nothing was registered").to.equal(null);

    useEnv({ EKM_PLATFORM_URL: tp.url, EKM_API_TOKEN: tp.adminToken });
    expect((await provider.check({ ...outs, __provider: reg.providerText }, inputsFor(next.accountId, aws(2)))).failures, "the admin token reaches both").to.deep.equal([]);
  });

  it("names a platform URL ending in /v1, or one with a wrong path, as a wrong URL with the fix instead of a missing account or configuration", async () => {
    const a = await account("wrong-url");
    const { outs } = await provider.create(inputsFor(a.accountId, aws(3)));
    useEnv({ EKM_PLATFORM_URL: `${tp.url}/v1`, EKM_API_TOKEN: a.token });
    expect(await failing(provider.read(a.accountId, outs))).to.equal(
      `the platform URL must be the platform's base URL, without the API version: use "${tp.url}" instead of "${tp.url}/v1" (ekm:platformUrl or EKM_PLATFORM_URL)`,
    );
    useEnv({ EKM_PLATFORM_URL: `${tp.url}/ekm`, EKM_API_TOKEN: a.token });
    const fix = "set ekm:platformUrl (or EKM_PLATFORM_URL) to the platform's base URL, e.g. https://ekm.example.com, without /v1 or any API path";
    expect(await failing(provider.read(a.accountId, outs))).to.equal(
      `the platform URL ${tp.url}/ekm is wrong: the server there knows no GET /v1/accounts/${a.accountId}/key-management route (404 no route), so the URL carries an extra path; ${fix}`,
    );
    expect(await failing(provider.update(a.accountId, outs, inputsFor(a.accountId, aws(3), { nickname: "renamed" })))).to.match(/^the platform URL \S+\/ekm is wrong: /);
    const checked = await provider.check({}, inputsFor("acct-bbbb2222", aws(3)));
    expect(checked.failures?.map((f) => f.property)).to.deep.equal([""]);
    expect(checked.failures?.[0].reason).to.match(/^the platform URL \S+\/ekm is wrong: the server there knows no POST \/v1\/accounts\/acct-bbbb2222\/key-management\/byok:validate route/);
  });

  it("logs each validation step of a dry run and of a registration, and an adoption", async () => {
    const a = await account("steps");
    const news = inputsFor(a.accountId, aws(4));
    await provider.check({}, news);
    expect(infos.map((l) => l.replace(/ — .*/, ""))).to.deep.equal([
      `ByokConfiguration ${a.accountId}: dry run step 1/4 sts:AssumeRole: ok`,
      `ByokConfiguration ${a.accountId}: dry run step 2/4 kms:DescribeKey: ok`,
      `ByokConfiguration ${a.accountId}: dry run step 3/4 kms:GenerateDataKey: ok`,
      `ByokConfiguration ${a.accountId}: dry run step 4/4 kms:Decrypt: ok`,
    ]);
    infos.length = 0;
    await provider.create(news);
    expect(infos.map((l) => l.replace(/ — .*/, ""))).to.deep.equal(["sts:AssumeRole", "kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"].map((c, i) => `ByokConfiguration ${a.accountId}: registration step ${i + 1}/4 ${c}: ok`));
    infos.length = 0;
    await provider.create(news);
    expect(infos).to.deep.equal([`ByokConfiguration ${a.accountId}: adopted the account's existing, identical configuration (AWS KMS key ${keyArn(4)} (role ${ROLE})) as it is: nothing was written`]);
  });

  it("replaces a provider-kind change on the same account by deleting first, since creating first collides", async () => {
    const a = await account("kind");
    const awsInputs = inputsFor(a.accountId, aws(6));
    const { outs } = await provider.create(awsInputs);
    const azureInputs = inputsFor(a.accountId, AZURE);
    expect(await provider.diff(a.accountId, { ...outs, __provider: reg.providerText }, azureInputs)).to.deep.equal({ changes: true, replaces: ["config"], deleteBeforeReplace: true });

    // Create-before-delete would collide with the account's one configuration ...
    expect(await failing(provider.create(azureInputs))).to.match(new RegExp(`^ByokConfiguration ${a.accountId}: the account already has a BYOK configuration, AWS KMS key ${keyArn(6)}`));
    // ... so the engine deletes first, then creates.
    await provider.delete(a.accountId, outs);
    const created = keep(await provider.create(azureInputs));
    expect(created.outs.config).to.deep.equal(AZURE);
    expect(created.outs.status).to.equal("active");
  });

  /** The operations the platform served since log line `mark`. */
  const callsSince = (mark: number) =>
    tp.logs
      .slice(mark)
      .map((l) => JSON.parse(l) as { message?: string; route?: string })
      .filter((e) => e.message === "request")
      .map((e) => e.route);

  it("costs one dry run in a preview, none in the update, and one PUT to create; a GET only when the account already has a configuration", async () => {
    const a = await account("call-sequence");
    const news = inputsFor(a.accountId, aws(8));
    let mark = tp.logs.length;
    const previewed = await provider.check({}, { ...news, __preview: true });
    expect(callsSince(mark)).to.deep.equal(["validateByok"]);
    expect(previewed.inputs).to.not.have.property("__preview");
    mark = tp.logs.length;
    const checked = await provider.check({}, { ...news, __preview: false });
    expect([checked.failures, callsSince(mark)]).to.deep.equal([[], []]);
    mark = tp.logs.length;
    const created = keep(await provider.create(checked.inputs));
    expect(callsSince(mark)).to.deep.equal(["putByok"]);
    expect(created.outs).to.deep.include({ status: "active", effectiveKeySource: "byok" });
    expect(created.outs).to.deep.equal(outputsOf(await a.client.getKeyManagement(a.accountId), false));
    mark = tp.logs.length;
    const adopted = keep(await provider.create(checked.inputs));
    expect(callsSince(mark)).to.deep.equal(["putByok", "getKeyManagement"]);
    expect(adopted.outs).to.deep.equal(created.outs);
    await provider.delete(a.accountId, created.outs);
  });

  it("reads the platform settings from the stack config the engine passes to configure", async () => {
    const a = await tp.newAccount("configured");
    tokens.push(a.token);
    useEnv({});
    const configured = loadProvider(reg.providerText);
    const config: Record<string, string> = { "ekm:platformUrl": tp.url, "ekm:apiToken": a.token, "other:key": "x" };
    await configured.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });
    const created = keep(await configured.create(inputsFor(a.accountId, aws(7))));
    expect(created.outs.status).to.equal("active");
    // The stack config lives on the configured object only; a provider loaded from the same text has none.
    const fresh = loadProvider(reg.providerText);
    expect(await failing(fresh.read(a.accountId, created.outs))).to.equal(
      'the platform URL is not set: run "pulumi config set ekm:platformUrl https://<platform host>" or set EKM_PLATFORM_URL',
    );
    await configured.delete(a.accountId, created.outs);
  });

  it("has a fake KMS that unwraps only with the configuration's own key, like the real clients", async () => {
    const accountId = "acct-fa4e000000000001";
    const trust = { externalId: "ekm-fake" };
    const first = kms.factory(accountId, { provider: "aws", reference: aws(1).aws }, trust);
    const second = kms.factory(accountId, { provider: "aws", reference: aws(2).aws }, trust);
    const dk = await first.generateDataKey();
    expect((await first.unwrapDataKey(dk.wrapped, dk.keyRef)).equals(dk.plaintext)).to.equal(true);

    const other = await rejection<CustomerKeyError>(second.unwrapDataKey(dk.wrapped, dk.keyRef));
    expect(other).to.be.instanceOf(CustomerKeyError);
    expect([other.kind, other.action, other.message]).to.deep.equal([
      "access-denied",
      "kms:Decrypt",
      `kms:Decrypt denied: role ${ROLE} is not authorized to use ${keyArn(1)} (its policy allows only ${keyArn(2)})`,
    ]);
    const wrongKey = await rejection<CustomerKeyError>(second.unwrapDataKey(dk.wrapped, keyArn(2)));
    expect([wrongKey.kind, wrongKey.message]).to.deep.equal(["invalid-key", `kms:Decrypt failed: the wrapped data key was not wrapped by ${keyArn(2)} for account ${accountId}`]);
    const otherAccount = await rejection<CustomerKeyError>(kms.factory("acct-fa4e000000000002", { provider: "aws", reference: aws(1).aws }, trust).unwrapDataKey(dk.wrapped, dk.keyRef));
    expect(otherAccount.kind).to.equal("invalid-key");

    const vault = kms.factory(accountId, { provider: "azure", reference: AZURE.azure }, trust);
    const elsewhere = await rejection<CustomerKeyError>(vault.unwrapDataKey(dk.wrapped, "https://attacker.vault.azure.net/keys/ekm-key"));
    expect([elsewhere.kind, elsewhere.action]).to.deep.equal(["invalid-key", "keyvault:UnwrapKey"]);
    const sibling = await rejection<CustomerKeyError>(vault.unwrapDataKey(dk.wrapped, `${VAULT}keys/other-key`));
    expect([sibling.kind, sibling.action]).to.deep.equal(["access-denied", "keyvault:UnwrapKey"]);
    const wrapped = await vault.generateDataKey();
    expect((await vault.unwrapDataKey(wrapped.wrapped, wrapped.keyRef)).equals(wrapped.plaintext)).to.equal(true);
  });

  it("never puts a platform token into the serialized provider, the inputs, the outputs, messages or warnings", () => {
    expect(tokens.length).to.be.greaterThan(5);
    expect(produced.length).to.be.greaterThan(20);
    const haystacks = [reg.providerText, JSON.stringify(reg.inputs), ...produced, ...warnings];
    for (const token of tokens) {
      for (const text of haystacks) expect(text.includes(token), `token found in ${text.slice(0, 200)}`).to.equal(false);
    }
  });
});
