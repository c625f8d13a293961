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
});
