// kill -9 of the real ekm-platform process with BYOK on moto: what a revert reports as lost is
// never below what was acknowledged, and a revert interrupted by a crash stays a revert.
import { expect } from "chai";
import { DeleteRoleCommand, DeleteRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { PlatformError, type PlatformClient } from "../../../sdk";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer, type Customer } from "../../support/awsCustomer";
import { motoClientConfig, motoEnv, startMoto, type MotoServer } from "../../support/moto";
import { startPlatformProcess, type PlatformProcess } from "../../support/platformProcess";
import { rejection } from "../../support/rejection";
import { waitFor } from "../../support/ports";
import { startTcpProxy } from "../../support/tcpProxy";

describe("platform process: crashes with BYOK on AWS KMS (moto)", function () {
  this.timeout(180_000);
  let moto: MotoServer;
  let dir: string;
  let running: PlatformProcess | undefined;
  before(async () => (moto = await startMoto()));
  after(async () => moto?.stop());
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ekm-crash-"))));
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (env: NodeJS.ProcessEnv = {}) => {
    running = await startPlatformProcess(dir, {
      args: ["--aws-principal-arn", MOTO_PLATFORM_PRINCIPAL, "--maintenance-interval-ms", "1000"],
      env: { ...motoEnv(moto.endpoint), EKM_INSPECT_TRUST_POLICY: "1", ...env },
    });
    return running;
  };
  /** An account whose content is wrapped by its own key in moto. */
  const onboard = async (p: PlatformProcess): Promise<{ accountId: string; token: string; client: PlatformClient; customer: Customer }> => {
    const { accountId, token } = await p.admin.createAccount();
    const client = p.client(token);
    const trust = await client.getTrust(accountId);
    const customer = await provisionCustomer(moto.endpoint, { accountId, externalId: trust.aws!.externalId });
    await client.putByok(accountId, { provider: "aws", aws: { keyArn: customer.keyArn, roleArn: customer.roleArn }, nickname: "crash", activationDate: "2026-01-01" });
    return { accountId, token, client, customer };
  };
  /** The customer deletes the role: a permanent refusal (the trust inspection finds no role). */
  const deleteRole = async (customer: Customer) => {
    const iam = new IAMClient(motoClientConfig(moto.endpoint));
    await iam.send(new DeleteRolePolicyCommand({ RoleName: customer.roleName, PolicyName: "ekm-key-access" }));
    await iam.send(new DeleteRoleCommand({ RoleName: customer.roleName }));
    iam.destroy();
  };
  const storeRows = <T>(sql: string, ...params: string[]): T[] => {
    const db = new DatabaseSync(join(dir, "platform.db"), { readOnly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };

  it("reports at least every acknowledged message as affected after kill -9 (409 and the forced revert), labelled an upper bound", async () => {
    const N = 250;
    // 100 messages per data key: two keys are used up (exact counts), the third is in use at the crash.
    const env = { EKM_BYOK_CACHE_MAX_AGE_MS: "600000", EKM_DATA_KEY_MAX_MESSAGES: "100" };
    const p = await start(env);
    const { accountId, token, client, customer } = await onboard(p);
    const acknowledged: string[] = [];
    for (let i = 0; i < N; i++) {
      const r = await client.encryptContent(accountId, `message ${i}`);
      expect(r.keySource).to.equal("byok-aws");
      acknowledged.push(r.ciphertext);
    }
    await p.kill9();
    running = undefined;

    const counts = storeRows<{ messages: number; counted_exactly: number }>("SELECT messages, counted_exactly FROM data_keys WHERE account_id = ? AND source = 'byok-aws' ORDER BY created_at, id", accountId);
    expect(counts, "on disk after kill -9").to.deep.equal([
      { messages: 100, counted_exactly: 1 },
      { messages: 100, counted_exactly: 1 },
      { messages: 100, counted_exactly: 0 },
    ]);

    await deleteRole(customer);
    const again = (await start(env)).client(token);
    const refused = await rejection<PlatformError>(again.deleteByok(accountId));
    expect(refused.status).to.equal(409);
    expect(refused.details).to.deep.include({ affectedDataKeys: 3, affectedMessages: 300, affectedMessagesExact: false });
    expect(Number(refused.details!.affectedMessages)).to.be.at.least(N);
    expect(refused.message).to.contain(
      "3 data keys protecting at most 300 messages (an upper bound: counts of data keys in use, or in use when the platform stopped, are reserved in blocks before content is returned) would become unreadable",
    );

    const forced = await again.deleteByok(accountId, { force: true });
    expect(forced).to.deep.equal({ reverted: true, rewrappedDataKeys: 0, unreadableDataKeys: 3, unreadableMessages: 300 });
    const events = (await again.listEvents(accountId, { limit: 500 })).events;
    expect(events.find((e) => e.type === "byok.data-unreadable")!.data).to.deep.include({ dataKeys: 3, messages: 300, messagesExact: false, forced: true });
    const lost = await rejection<PlatformError>(again.decryptContent(accountId, acknowledged[0]));
    expect(lost.status).to.equal(424);
    expect(storeRows<{ n: number }>("SELECT COUNT(*) AS n FROM data_keys WHERE account_id = ? AND unreadable = 1", accountId)).to.deep.equal([{ n: 3 }]);
  });

  it("keeps a revert that kill -9 interrupted: reverting after restart, no new content under the customer key, resumed on the maintenance tick with progress in the trail", async () => {
    // Platform → proxy → moto, so the key service can be cut without losing moto's state.
    const proxy = await startTcpProxy(moto.port);
    try {
      const env = { ...motoEnv(proxy.url), EKM_DATA_KEY_MAX_MESSAGES: "1", EKM_REWRAP_BATCH_SIZE: "5" };
      const p = await start(env);
      const { accountId, token, client } = await onboard(p);
      const acknowledged: { ciphertext: string; plaintext: string }[] = [];
      for (let i = 0; i < 60; i++) {
        const plaintext = `doc ${i}`;
        acknowledged.push({ plaintext, ciphertext: (await client.encryptContent(accountId, plaintext)).ciphertext });
      }
      const customerWrapped = () => storeRows<{ n: number }>("SELECT COUNT(*) AS n FROM data_keys WHERE account_id = ? AND source = 'byok-aws'", accountId)[0].n;
      expect(customerWrapped(), "one data key per message").to.equal(60);

      // The DELETE runs; once a batch has committed, the key service goes away and the process dies.
      const deleting = client.deleteByok(accountId).catch((e: Error) => e);
      await waitFor(async () => (await client.listEvents(accountId, { limit: 500 })).events.some((e) => e.type === "byok.revert-progress"), { intervalMs: 5, what: "a revert batch" });
      await proxy.cut();
      await p.kill9();
      running = undefined;
      expect(await deleting, "the DELETE never got an answer").to.be.instanceOf(Error);
      const left = customerWrapped();
      expect(left, "part of the data keys were re-wrapped before the crash").to.be.within(1, 59);
      expect(storeRows("SELECT reverting_since IS NOT NULL AS reverting, reverting_force AS force FROM byok_configs WHERE account_id = ?", accountId), "on disk").to.deep.equal([{ reverting: 1, force: 0 }]);

      // Restart while the key service is still unreachable: the resume at start pauses, the account stays reverting.
      const again = await start({ ...env, EKM_BYOK_CACHE_MAX_AGE_MS: "600000" });
      const c2 = again.client(token);
      const state = await c2.getKeyManagement(accountId);
      expect(state).to.deep.include({ mode: "byok", effectiveKeySource: "platform-fallback" });
      expect(state.byok!.status).to.equal("reverting");
      expect(state.fallback!.reason).to.equal("reverting to platform-managed keys: customer-wrapped data keys are being re-wrapped under the platform key");
      const fresh = await c2.encryptContent(accountId, "after the crash");
      expect(fresh.keySource, "new content never goes to the customer key again").to.equal("platform");
      const put = await rejection<PlatformError>(c2.putByok(accountId, { provider: "aws", aws: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", roleArn: "arn:aws:iam::123456789012:role/r" }, nickname: "x", activationDate: "2026-01-01" }));
      expect(put.status).to.equal(409);
      expect(put.message).to.contain("(409 conflict, request ").and.contain("): a revert to platform-managed keys is running for this account: retry when DELETE .../byok has finished");
      expect(customerWrapped(), "nothing re-wrapped while KMS is unreachable").to.equal(left);

      // The key service is back: the next maintenance tick finishes the revert.
      await proxy.restore();
      await waitFor(async () => (await c2.getKeyManagement(accountId)).mode === "platform-managed", { timeoutMs: 60_000, intervalMs: 200, what: "the resumed revert" });
      expect(customerWrapped()).to.equal(0);
      const events = (await c2.listEvents(accountId, { limit: 500 })).events;
      const types = events.map((e) => e.type);
      const from = types.indexOf("byok.revert-started");
      expect(types.slice(from).filter((t) => t.startsWith("byok.revert") || t === "byok.reverted")).to.include.members(["byok.revert-started", "byok.revert-progress", "byok.revert-resumed", "byok.reverted"]);
      const resumed = events.find((e) => e.type === "byok.revert-resumed")!.data;
      // The resume at start may still be retrying when the key service comes back; either run may finish it.
      expect(["start", "maintenance"]).to.include(resumed.by);
      expect(resumed).to.deep.include({ force: false, unreadableDataKeys: 0 });
      const progress = events.filter((e) => e.type === "byok.revert-progress").reduce((n, e) => n + Number(e.data.rewrappedDataKeys), 0);
      expect(progress, "the progress events account for every data key").to.equal(60);
      expect(events.find((e) => e.type === "byok.reverted")!.data).to.deep.include({ rewrappedDataKeys: 60, unreadableDataKeys: 0, forced: false });
      for (const { ciphertext, plaintext } of acknowledged) {
        const r = await c2.decryptContent(accountId, ciphertext);
        expect([Buffer.from(r.plaintext, "base64").toString(), r.keySource]).to.deep.equal([plaintext, "platform"]);
      }
    } finally {
      await proxy.close();
    }
  });
});
