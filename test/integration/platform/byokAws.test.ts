// BYOK on AWS KMS in the platform, against real moto (KMS/STS/IAM wire protocol) behind a real
// TCP proxy that can cut the network without losing moto's in-memory state.
import { expect } from "chai";
import { DisableKeyCommand, ScheduleKeyDeletionCommand } from "@aws-sdk/client-kms";
import { DeleteRoleCommand, DeleteRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { PlatformError, VALIDATION_ID_PATTERN, type PlatformClient, type PutByokRequest } from "../../../sdk";
import { VALIDATION_ID_TTL_MS } from "../../../platform/byok/validationTickets";
import { DAY_MS, ManualClock, defaultCustomerKeys, defaultSettings, type PlatformSettings } from "../../../platform";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer, useAwsEndpoint, type Customer } from "../../support/awsCustomer";
import { motoClientConfig, startMoto, type MotoServer } from "../../support/moto";
import { startTestPlatform, type TestPlatform } from "../../support/platform";
import { startTcpProxy, type TcpProxy } from "../../support/tcpProxy";
import { rejection } from "../../support/rejection";
import { expectRejectedRegistration } from "../../support/byokAssertions";

const MAX_AGE = 60_000;
type AwsRequest = Extract<PutByokRequest, { provider: "aws" }>;

describe("platform: BYOK on AWS KMS (moto)", function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let proxy: TcpProxy;
  let restoreEnv: () => void;
  let tp: TestPlatform;
  const clock = new ManualClock(Date.now());
  const calls: string[] = [];

  before(async () => {
    moto = await startMoto();
    proxy = await startTcpProxy(moto.port);
    restoreEnv = useAwsEndpoint(proxy.url);
    const settings: PlatformSettings = {
      ...defaultSettings({}),
      awsPrincipalArn: MOTO_PLATFORM_PRINCIPAL,
      inspectTrustPolicy: true,
      byokCache: { maxAgeMs: MAX_AGE, maxMessages: 100, maxEntries: 1000 },
      recheck: { baseMs: 1_000, maxMs: 8_000 },
      rewrapBatchSize: 3,
    };
    tp = await startTestPlatform({
      clock,
      settings,
      maintenanceIntervalMs: 3_600_000,
      customerKeys: defaultCustomerKeys(settings, { aws: { onCall: (service, command) => void calls.push(`${service}:${command}`), timeoutMs: 1500, maxAttempts: 1 } }),
    });
  });
  after(async () => {
    await tp?.close();
    restoreEnv?.();
    await proxy?.close();
    await moto?.stop();
  });
  beforeEach(() => (calls.length = 0));

  /** A new account with its customer key and role provisioned in moto. */
  async function onboard(opts: { externalId?: string; policyTenantId?: string } = {}): Promise<{ accountId: string; client: PlatformClient; customer: Customer; request: PutByokRequest }> {
    const { accountId, client } = await tp.newAccount();
    const trust = await client.getTrust(accountId);
    const customer = await provisionCustomer(moto.endpoint, { accountId, externalId: opts.externalId ?? trust.aws!.externalId, policyTenantId: opts.policyTenantId });
    const request: PutByokRequest = { provider: "aws", aws: { keyArn: customer.keyArn, roleArn: customer.roleArn }, nickname: "prod key", activationDate: new Date(clock.now() - DAY_MS).toISOString() };
    return { accountId, client, customer, request };
  }
  const failure = (p: Promise<unknown>) => rejection<PlatformError>(p);
  const eventTypes = async (client: PlatformClient, accountId: string) => (await client.listEvents(accountId, { limit: 500 })).events.map((e) => e.type);
  const text = (b64: string) => Buffer.from(b64, "base64").toString();

  it("returns a stable trust document: the platform principal and a per-account external ID", async () => {
    const a = await tp.newAccount();
    const b = await tp.newAccount();
    const t1 = await a.client.getTrust(a.accountId);
    expect(t1.aws!.principalArn).to.equal(MOTO_PLATFORM_PRINCIPAL);
    expect(t1.aws!.externalId).to.match(/^ekm-[0-9a-f]{32}$/);
    expect((await a.client.getTrust(a.accountId)).aws!.externalId).to.equal(t1.aws!.externalId);
    expect((await b.client.getTrust(b.accountId)).aws!.externalId).not.to.equal(t1.aws!.externalId);
  });

  it("registers a working key: active, and content is wrapped by the customer key", async () => {
    const { accountId, client, customer, request } = await onboard();
    const config = await client.putByok(accountId, request);
    expect(config).to.deep.include({ provider: "aws", status: "active", nickname: "prod key" });
    expect(config.validation.phase).to.equal("registration");
    expect(config.validation.checks.map((c) => [c.name, c.status])).to.deep.equal([
      ["sts:AssumeRole", "ok"],
      ["kms:DescribeKey", "ok"],
      ["kms:GenerateDataKey", "ok"],
      ["kms:Decrypt", "ok"],
    ]);
    const state = await client.getKeyManagement(accountId);
    expect(state).to.deep.include({ mode: "byok", effectiveKeySource: "byok", fallback: null });

    const ct = await client.encryptContent(accountId, "customer-wrapped");
    expect(ct.keySource).to.equal("byok-aws");
    expect(ct.keyVersion).to.equal(customer.keyArn);
    const pt = await client.decryptContent(accountId, ct.ciphertext);
    expect(text(pt.plaintext)).to.equal("customer-wrapped");
    expect(pt.keySource).to.equal("byok-aws");

    const again = await client.putByok(accountId, request);
    expect(again.etag, "an identical PUT is idempotent").to.equal(config.etag);
    expect(await eventTypes(client, accountId)).to.deep.equal([
      "account.created",
      "platform-key.created",
      "byok.validated",
      "byok.configured",
      "byok.activated",
      "byok.validated",
    ]);
  });

  describe("refuses a key that fails validation with 422, naming the check, storing nothing", () => {
    const cases: [string, (c: Customer) => Promise<unknown>, { externalId?: string; policyTenantId?: string }, string, RegExp][] = [
      ["a disabled key", (c) => c.kms.send(new DisableKeyCommand({ KeyId: c.keyId })), {}, "kms:DescribeKey", /is disabled — enable it \(kms:EnableKey\)/],
      ["a key pending deletion", (c) => c.kms.send(new ScheduleKeyDeletionCommand({ KeyId: c.keyId, PendingWindowInDays: 7 })), {}, "kms:DescribeKey", /PendingDeletion|pending deletion/i],
      ["a role that trusts another external ID", async () => undefined, { externalId: "ekm-someone-else" }, "sts:AssumeRole", /external ID|ExternalId/],
    ];
    for (const [what, spoil, opts, check, message] of cases) {
      it(`rejects ${what} at ${check}`, async () => {
        const { accountId, client, customer, request } = await onboard(opts);
        await spoil(customer);
        await expectRejectedRegistration(client, accountId, request, check, message);
      });
    }

    it("rejects an unknown key at kms:DescribeKey", async () => {
      const { accountId, client, customer, request } = await onboard();
      const unknown = customer.keyArn.replace(/key\/.+$/, "key/00000000-0000-4000-8000-000000000000");
      const err = await failure(client.putByok(accountId, { provider: "aws", aws: { keyArn: unknown, roleArn: customer.roleArn }, nickname: request.nickname, activationDate: request.activationDate }));
      expect(err.status).to.equal(422);
      const failed = err.checks!.find((c) => c.status === "failed")!;
      expect(failed.name).to.equal("kms:DescribeKey");
      expect(failed.message).to.match(/not found|NotFound|does not exist/i);
      expect(await client.getByok(accountId)).to.equal(undefined);
    });

    it("rejects a role policy bound to the wrong encryption context", async () => {
      const { accountId, client, request } = await onboard({ policyTenantId: "us-east-1" });
      const err = await failure(client.putByok(accountId, request));
      expect(err.status).to.equal(422);
      const failed = err.checks!.find((c) => c.status === "failed")!;
      expect(failed.name).to.equal("kms:GenerateDataKey");
      expect(failed.message).to.contain(`kms:EncryptionContext:tenant_id = ${accountId}`);
      expect(await client.getByok(accountId)).to.equal(undefined);
    });
  });

  it("validates as a dry run, storing nothing", async () => {
    const { accountId, client, request } = await onboard();
    const { validation } = await client.validateByok(accountId, request);
    expect(validation).to.include({ phase: "dry-run", ok: true });
    expect(await client.getByok(accountId)).to.equal(undefined);
  });

  const kmsCalls = () => calls.filter((c) => c.startsWith("kms:") || c.startsWith("sts:"));

  it("stores a dry run's validation, with its original checkedAt, when the PUT presents its validation id", async () => {
    const { accountId, client, request } = await onboard();
    const dryRun = await client.validateByok(accountId, request);
    expect(dryRun.validationId).to.match(new RegExp(VALIDATION_ID_PATTERN));
    expect(Date.parse(dryRun.validationExpiresAt!) - clock.now()).to.equal(VALIDATION_ID_TTL_MS);
    calls.length = 0;
    const config = await client.putByok(accountId, { ...request, nickname: "renamed before saving" }, { validationId: dryRun.validationId });
    expect(kmsCalls(), "no second KMS round trip").to.deep.equal([]);
    expect(config.validation).to.deep.equal({ ...dryRun.validation, phase: "registration" });
    expect(config).to.deep.include({ status: "active", effectiveKeySource: "byok", fallback: null, platformKeyVersion: (await client.getKeyManagement(accountId)).platformKey.version });
    const events = (await client.listEvents(accountId, { limit: 500 })).events.filter((e) => e.type === "byok.validated").map((e) => e.data);
    expect(events[events.length - 1]).to.deep.equal({ phase: "registration", provider: "aws", ok: true, failed: [], reusedFrom: dryRun.validation.checkedAt });
  });

  describe("validates again when the validation id does not stand for this registration", () => {
    const cases: [string, (id: string, ctx: { request: PutByokRequest; client: PlatformClient; accountId: string; other: Awaited<ReturnType<typeof onboard>> }) => Promise<unknown>][] = [
      ["it was used already", async (id, { client, accountId, request }) => client.putByok(accountId, request, { validationId: id }).then(() => (calls.length = 0)).then(() => client.putByok(accountId, request, { validationId: id }))],
      ["it has expired", async (id, { client, accountId, request }) => (clock.advance(VALIDATION_ID_TTL_MS), client.putByok(accountId, request, { validationId: id }))],
      ["it was issued for another role", async (id, { client, accountId, request, other }) => client.putByok(accountId, { ...(request as AwsRequest), aws: { keyArn: (request as AwsRequest).aws.keyArn, roleArn: (other.request as AwsRequest).aws.roleArn } }, { validationId: id }).catch(() => undefined)],
      ["it was issued to another account", async (id, { other }) => other.client.putByok(other.accountId, other.request, { validationId: id })],
      ["it is made up", async (_id, { client, accountId, request }) => client.putByok(accountId, request, { validationId: `val_${"A".repeat(32)}` })],
    ];
    for (const [why, put] of cases) {
      it(`runs the KMS round trip when ${why}`, async () => {
        const mine = await onboard();
        const other = await onboard();
        const { validationId } = await mine.client.validateByok(mine.accountId, mine.request);
        calls.length = 0;
        await put(validationId!, { ...mine, other });
        expect(kmsCalls()).to.include("sts:AssumeRole");
      });
    }
  });

  it("keeps the platform key until the activation date passes on the injected clock", async () => {
    const { accountId, client, request } = await onboard();
    const config = await client.putByok(accountId, { ...request, activationDate: new Date(clock.now() + DAY_MS).toISOString() });
    expect(config.status).to.equal("pending-activation");
    const pending = await client.getKeyManagement(accountId);
    expect(pending.effectiveKeySource).to.equal("platform-fallback");
    expect(pending.fallback!.reason).to.equal(`activation date ${config.activationDate} has not passed: new content uses the platform key until then`);
    expect((await client.encryptContent(accountId, "early")).keySource).to.equal("platform");
    clock.advance(DAY_MS);
    await tp.running.platform.tick();
    expect((await client.getByok(accountId))!.status).to.equal("active");
    expect((await client.getKeyManagement(accountId))).to.deep.include({ effectiveKeySource: "byok", fallback: null });
    expect((await client.encryptContent(accountId, "on time")).keySource).to.equal("byok-aws");
    expect(await eventTypes(client, accountId)).to.include("byok.activated");
  });

  it("falls back when KMS is unreachable, answers 424 for BYOK content, and recovers", async () => {
    const { accountId, client, request } = await onboard();
    await client.putByok(accountId, request);
    const byokCt = await client.encryptContent(accountId, "wrapped by the customer");
    expect(byokCt.keySource).to.equal("byok-aws");

    await proxy.cut();
    try {
      clock.advance(MAX_AGE);
      const during = await client.encryptContent(accountId, "written during the outage");
      expect(during.keySource).to.equal("platform");
      const state = await client.getKeyManagement(accountId);
      expect(state.effectiveKeySource).to.equal("platform-fallback");
      expect(state.byok!.status).to.equal("degraded");
      expect(state.fallback!.reason).to.match(/^kms:GenerateDataKey[: ]/);
      expect(state.fallback!.since).to.equal(new Date(clock.now()).toISOString());

      const err = await failure(client.decryptContent(accountId, byokCt.ciphertext));
      expect(err.status).to.equal(424);
      expect(err.code).to.equal("customer_key_unavailable");
      expect(err.message).to.contain("customer key unavailable");
      expect(text((await client.decryptContent(accountId, during.ciphertext)).plaintext)).to.equal("written during the outage");
    } finally {
      await proxy.restore();
    }
    clock.advance(1_000);
    const after = await client.encryptContent(accountId, "after recovery");
    expect(after.keySource).to.equal("byok-aws");
    expect((await client.getKeyManagement(accountId)).effectiveKeySource).to.equal("byok");
    expect(text((await client.decryptContent(accountId, byokCt.ciphertext)).plaintext)).to.equal("wrapped by the customer");
    const types = await eventTypes(client, accountId);
    expect(types.indexOf("byok.fallback")).to.be.greaterThan(-1);
    expect(types.indexOf("byok.recovered")).to.be.greaterThan(types.indexOf("byok.fallback"));
  });

  it("makes one GenerateDataKey per 100 messages and one Decrypt per data key (cache bounds)", async () => {
    const { accountId, client, request } = await onboard();
    await client.putByok(accountId, request);
    calls.length = 0;
    const envelope = tp.running.platform.envelope;
    const cts: Buffer[] = [];
    for (let i = 0; i < 1000; i++) cts.push((await envelope.encrypt(accountId, Buffer.from(`m${i}`))).ciphertext);
    expect(calls.filter((c) => c === "kms:GenerateDataKey")).to.have.length(10);
    envelope.forget(accountId);
    calls.length = 0;
    for (const ct of cts) await envelope.decrypt(accountId, ct);
    expect(calls.filter((c) => c === "kms:Decrypt")).to.have.length(10);
    expect(calls.filter((c) => c.startsWith("kms:") && c !== "kms:Decrypt")).to.deep.equal([]);
  });

  it("reverts on DELETE: re-wraps every data key under the platform key, and everything still decrypts", async () => {
    const { accountId, client, request } = await onboard();
    await client.putByok(accountId, request);
    const cts = [];
    for (let i = 0; i < 8; i++) {
      cts.push(await client.encryptContent(accountId, `doc ${i}`));
      tp.running.platform.envelope.forget(accountId); // a new data key per message: 8 keys, 3 batches
    }
    const res = await client.deleteByok(accountId);
    expect(res).to.deep.equal({ reverted: true, rewrappedDataKeys: 8, unreadableDataKeys: 0, unreadableMessages: 0 });
    const state = await client.getKeyManagement(accountId);
    expect(state).to.deep.include({ mode: "platform-managed", effectiveKeySource: "platform", byok: null });
    calls.length = 0;
    for (let i = 0; i < 8; i++) {
      const pt = await client.decryptContent(accountId, cts[i].ciphertext);
      expect(text(pt.plaintext)).to.equal(`doc ${i}`);
      expect(pt.keySource).to.equal("platform");
    }
    expect(calls, "no KMS call after the revert").to.deep.equal([]);
    expect((await client.encryptContent(accountId, "new")).keySource).to.equal("platform");
    expect((await client.deleteByok(accountId)).reverted, "a second DELETE is a no-op").to.equal(false);
    expect(await eventTypes(client, accountId)).to.include("byok.reverted");
  });

  it("refuses to revert with 503 while KMS is unreachable, forced or not, and gives nothing up", async () => {
    const { accountId, client, request } = await onboard();
    await client.putByok(accountId, request);
    const ct = await client.encryptContent(accountId, "kept");
    await proxy.cut();
    try {
      tp.running.platform.envelope.forget(accountId);
      for (const force of [false, true]) {
        const err = await failure(client.deleteByok(accountId, { force }));
        expect(err.status, `force=${force}`).to.equal(503);
        expect(err.code).to.equal("customer_key_unavailable");
        expect(err.message).to.match(/the customer key service did not answer \(kms:Decrypt[: ].+\); nothing more was re-wrapped \(0 so far\)\. Retry the DELETE when it is reachable/);
      }
      expect((await client.getByok(accountId))!.provider, "still configured").to.equal("aws");
    } finally {
      await proxy.restore();
    }
    expect(await client.deleteByok(accountId)).to.deep.include({ reverted: true, rewrappedDataKeys: 1, unreadableDataKeys: 0 });
    expect(text((await client.decryptContent(accountId, ct.ciphertext)).plaintext)).to.equal("kept");
  });

  it("refuses to revert with 409 and the count when the customer key refuses; force records the loss", async () => {
    const { accountId, client, customer, request } = await onboard();
    await client.putByok(accountId, request);
    const ct = await client.encryptContent(accountId, "one");
    await client.encryptContent(accountId, "two");
    // The customer deletes the role: a permanent refusal (the platform's trust inspection finds no role).
    const iam = new IAMClient(motoClientConfig(moto.endpoint));
    await iam.send(new DeleteRolePolicyCommand({ RoleName: customer.roleName, PolicyName: "ekm-key-access" }));
    await iam.send(new DeleteRoleCommand({ RoleName: customer.roleName }));
    iam.destroy();
    tp.running.platform.envelope.forget(accountId);
    tp.running.platform.byok.pool.forget(accountId); // as if the cached role session had expired
    const err = await failure(client.deleteByok(accountId));
    expect(err.status).to.equal(409);
    expect(err.details).to.deep.include({ affectedDataKeys: 1, affectedMessages: 2 });
    expect(err.message).to.match(/1 data keys protecting 2 messages would become unreadable/);
    expect((await client.getByok(accountId))!.provider, "still configured").to.equal("aws");

    const forced = await client.deleteByok(accountId, { force: true });
    expect(forced).to.deep.equal({ reverted: true, rewrappedDataKeys: 0, unreadableDataKeys: 1, unreadableMessages: 2 });
    const lost = await failure(client.decryptContent(accountId, ct.ciphertext));
    expect(lost.status).to.equal(424);
    const events = (await client.listEvents(accountId, { limit: 500 })).events;
    expect(events.find((e) => e.type === "byok.data-unreadable")!.data).to.deep.include({ dataKeys: 1, messages: 2, forced: true });
  });

  it("keeps content wrapped by an earlier key readable after the key changes, and reverts both", async () => {
    const { accountId, client, request } = await onboard();
    await client.putByok(accountId, request);
    const first = await client.encryptContent(accountId, "under the first key");
    const trust = await client.getTrust(accountId);
    const second = await provisionCustomer(moto.endpoint, { accountId, externalId: trust.aws!.externalId });
    second.kms.destroy();
    await client.putByok(accountId, { provider: "aws", aws: { keyArn: second.keyArn, roleArn: second.roleArn }, nickname: request.nickname, activationDate: request.activationDate });
    const next = await client.encryptContent(accountId, "under the second key");
    expect(next.keyVersion).to.equal(second.keyArn);
    tp.running.platform.envelope.forget(accountId);
    expect(text((await client.decryptContent(accountId, first.ciphertext)).plaintext)).to.equal("under the first key");
    expect(await client.deleteByok(accountId)).to.deep.include({ reverted: true, rewrappedDataKeys: 2, unreadableDataKeys: 0 });
  });

  it("never stores a customer-wrapped data key once a revert has started, nor accepts a PUT during it", async () => {
    const { accountId, client, request } = await onboard();
    await client.putByok(accountId, request);
    const { envelope, byok } = tp.running.platform;
    envelope.forget(accountId);
    // The encrypt suspends inside GenerateDataKey; the revert starts meanwhile.
    const pending = envelope.encrypt(accountId, Buffer.from("racing"));
    byok.reverting.add(accountId);
    try {
      expect((await pending).keySource, "the data key generated during the revert is discarded").to.equal("platform");
      const put = await failure(client.putByok(accountId, request));
      expect(put.status).to.equal(409);
      expect(put.message).to.contain("a revert to platform-managed keys is running for this account: retry when DELETE .../byok has finished");
      expect((await client.getKeyManagement(accountId)).effectiveKeySource).to.equal("platform-fallback");
    } finally {
      byok.reverting.delete(accountId);
    }
    const rows = tp.running.platform.db.prepare("SELECT COUNT(*) AS n FROM data_keys WHERE account_id = ? AND source = 'byok-aws'").get(accountId) as { n: number };
    expect(rows.n, "no customer-wrapped data key was stored").to.equal(0);
  });


  it("answers 412 to a stale etag, and two concurrent PUTs end in one consistent configuration", async () => {
    const { accountId, client, request } = await onboard();
    const first = await client.putByok(accountId, request);
    const patched = await client.patchByok(accountId, { nickname: "renamed" }, { ifMatch: first.etag });
    expect(patched.nickname).to.equal("renamed");
    expect(patched.etag).not.to.equal(first.etag);
    const stale = await failure(client.patchByok(accountId, { nickname: "again" }, { ifMatch: first.etag }));
    expect(stale.status).to.equal(412);
    expect(stale.code).to.equal("precondition_failed");
    const stalePut = await failure(client.putByok(accountId, request, { ifMatch: first.etag }));
    expect(stalePut.status).to.equal(412);

    const [x, y] = await Promise.all([client.putByok(accountId, { ...request, nickname: "from x" }), client.putByok(accountId, { ...request, nickname: "from y" })]);
    const final = (await client.getByok(accountId))!;
    expect([x.etag, y.etag]).to.include(final.etag);
    expect(final.nickname).to.equal(final.etag === x.etag ? "from x" : "from y");
  });
});
