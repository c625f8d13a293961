// createAwsCustomerKey against real moto (KMS, STS and IAM wire protocol). The customer side is
// provisioned the way a customer would: a KMS key with rotation, and a role that trusts the
// platform with the account's external ID and holds the documented two-statement policy.
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import * as net from "node:net";
import {
  CreateKeyCommand,
  DisableKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { createAwsCustomerKey, type AwsCustomerKeyOptions, type AwsService } from "../../../../platform/customer-keys/aws";
import { CustomerKeyError } from "../../../../platform/customer-keys/types";
import { motoClientConfig, motoReset, startMoto, type MotoServer } from "../../../support/moto";
import { provisionCustomer, type Customer } from "../../../support/awsCustomer";
import { rejection as rejectionOf } from "../../../support/rejection";

const PLATFORM_PRINCIPAL = "arn:aws:iam::999988887777:role/ekm-platform";
const STEPS = ["sts:AssumeRole", "kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"];

/**
 * Switches moto's IAM enforcement on (0 unauthenticated actions left) or off ("inf") at run time
 * through POST /moto-api/reset-auth; with it on, moto checks identity policies (actions only: it
 * authorizes KMS calls against Resource "*" and ignores kms:EncryptionContext conditions) and the
 * role's trust policy, including StringEquals sts:ExternalId.
 */
async function motoAuth(endpoint: string, count: "0" | "inf"): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: "POST", body: count });
  const body = await res.text();
  if (!res.ok) throw new Error(`moto reset-auth failed: HTTP ${res.status} ${body.slice(0, 300)}`);
}


/** Accepts TCP connections and never answers: a hung endpoint. */
async function blackHole(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The CustomerKeyError a call must reject with. */
async function rejection(promise: Promise<unknown>): Promise<CustomerKeyError> {
  const err = await rejectionOf(promise);
  expect(err).to.be.instanceOf(CustomerKeyError);
  return err as CustomerKeyError;
}

describe("createAwsCustomerKey (moto)", function () {
  this.timeout(120_000);
  let moto: MotoServer;
  const savedEnv = new Map<string, string | undefined>();
  const setEnv = (vars: Record<string, string>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (!savedEnv.has(k)) savedEnv.set(k, process.env[k]);
      process.env[k] = v;
    }
  };
  const customers: Customer[] = [];
  const provision = async (accountId: string, trustedExternalId: string) => {
    const c = await provisionCustomer(moto.endpoint, { accountId, externalId: trustedExternalId, principalArn: PLATFORM_PRINCIPAL });
    customers.push(c);
    return c;
  };
  const options = (c: Customer, accountId: string, externalId: string, extra: Partial<AwsCustomerKeyOptions> = {}): AwsCustomerKeyOptions => ({
    accountId,
    keyArn: c.keyArn,
    roleArn: c.roleArn,
    externalId,
    platformPrincipalArn: PLATFORM_PRINCIPAL,
    ...extra,
  });

  before(async () => {
    moto = await startMoto();
    // The platform's side reaches moto only through the standard variables (and the default credential chain).
    for (const k of ["AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_IAM", "AWS_PROFILE"]) {
      savedEnv.set(k, process.env[k]);
      delete process.env[k];
    }
    setEnv(moto.env());
  });

  beforeEach(async () => {
    await motoReset(moto.endpoint);
  });

  afterEach(() => {
    for (const c of customers.splice(0)) c.kms.destroy();
    delete process.env.AWS_ENDPOINT_URL_KMS;
    delete process.env.AWS_ENDPOINT_URL_STS;
  });

  after(async () => {
    await moto?.stop();
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("passes every check when the key, the role, its trust and its policy are as documented", async () => {
    const c = await provision("acct-42", "ext-42");
    const checks = await createAwsCustomerKey(options(c, "acct-42", "ext-42", { inspectTrustPolicy: true })).validate();

    expect(checks.map((k) => k.name)).to.deep.equal(STEPS);
    expect(checks.map((k) => k.status)).to.deep.equal(["ok", "ok", "ok", "ok"]);
    expect(checks[0].message).to.match(
      new RegExp(
        `^assumed ${c.roleArn} as ekm-acct-42 with the external ID of acct-42; session valid until \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; ` +
          "trust policy allows sts:AssumeRole with sts:ExternalId = ext-42$",
      ),
    );
    expect(checks[1].message).to.equal(`key ${c.keyArn} is Enabled, SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT in us-east-1; rotation enabled`);
    expect(checks[2].message).to.equal(
      `generated an AES-256 data key under ${c.keyArn} with encryption context tenant_id = acct-42; the role policy allows kms:GenerateDataKey with kms:EncryptionContext:tenant_id = acct-42`,
    );
    expect(checks[3].message).to.equal(
      `unwrapped the data key under ${c.keyArn} with encryption context tenant_id = acct-42; the round trip returned the generated key`,
    );
  });

  it("round-trips a data key: generateDataKey, then unwrapDataKey (also from a fresh instance) returns the same 32 bytes", async () => {
    const c = await provision("acct-7", "ext-7");
    const key = createAwsCustomerKey(options(c, "acct-7", "ext-7"));
    expect(key.source).to.equal("byok-aws");

    const dataKey = await key.generateDataKey();
    expect(dataKey.plaintext).to.have.length(32);
    expect(dataKey.keyRef).to.equal(c.keyArn);
    expect(dataKey.keyVersion).to.equal(c.keyArn);
    expect(dataKey.wrapped.length).to.be.greaterThan(32);
    expect(dataKey.wrapped.includes(dataKey.plaintext)).to.equal(false);

    expect((await key.unwrapDataKey(dataKey.wrapped, dataKey.keyRef)).equals(dataKey.plaintext)).to.equal(true);
    const fresh = createAwsCustomerKey(options(c, "acct-7", "ext-7"));
    expect((await fresh.unwrapDataKey(dataKey.wrapped, dataKey.keyRef)).equals(dataKey.plaintext)).to.equal(true);

    const other = await key.generateDataKey();
    expect(other.plaintext.equals(dataKey.plaintext)).to.equal(false);
  });

  it("fails kms:DescribeKey and skips the rest when the key is disabled", async () => {
    const c = await provision("acct-42", "ext-42");
    await c.kms.send(new DisableKeyCommand({ KeyId: c.keyId })); // moto wants the bare key id here, not the ARN
    const checks = await createAwsCustomerKey(options(c, "acct-42", "ext-42")).validate();
    expect(checks.slice(1)).to.deep.equal([
      { name: "kms:DescribeKey", status: "failed", message: `key ${c.keyArn} is disabled — enable it (kms:EnableKey)` },
      { name: "kms:GenerateDataKey", status: "skipped", message: "not run because kms:DescribeKey failed" },
      { name: "kms:Decrypt", status: "skipped", message: "not run because kms:DescribeKey failed" },
    ]);
    expect(checks[0].status).to.equal("ok");
  });

  it("fails kms:DescribeKey with the deletion date and skips the rest when the key is pending deletion", async () => {
    const c = await provision("acct-42", "ext-42");
    const scheduled = await c.kms.send(new ScheduleKeyDeletionCommand({ KeyId: c.keyId, PendingWindowInDays: 7 }));
    const checks = await createAwsCustomerKey(options(c, "acct-42", "ext-42")).validate();
    expect(checks.slice(1)).to.deep.equal([
      {
        name: "kms:DescribeKey",
        status: "failed",
        message:
          `key ${c.keyArn} is pending deletion (deletion on ${scheduled.DeletionDate!.toISOString()}) — ` +
          "cancel the deletion (kms:CancelKeyDeletion), then enable the key (kms:EnableKey)",
      },
      { name: "kms:GenerateDataKey", status: "skipped", message: "not run because kms:DescribeKey failed" },
      { name: "kms:Decrypt", status: "skipped", message: "not run because kms:DescribeKey failed" },
    ]);
  });

  it("reports not-found, naming the region, when the key does not exist there", async () => {
    const c = await provision("acct-42", "ext-42");
    const cases = [
      { keyArn: `arn:aws:kms:us-east-1:123456789012:key/${randomUUID()}`, region: "us-east-1" },
      { keyArn: c.keyArn.replace("us-east-1", "eu-west-1"), region: "eu-west-1" },
    ];
    for (const { keyArn, region } of cases) {
      const key = createAwsCustomerKey({ ...options(c, "acct-42", "ext-42"), keyArn });
      const checks = await key.validate();
      expect(checks[1]).to.deep.equal({
        name: "kms:DescribeKey",
        status: "failed",
        message: `kms:DescribeKey failed: key ${keyArn} was not found in ${region} — check the key ARN (account, region and key id) and that the key still exists`,
      });
      expect(checks.slice(2).map((k) => k.message)).to.deep.equal(["not run because kms:DescribeKey failed", "not run because kms:DescribeKey failed"]);
      const err = await rejection(key.generateDataKey());
      expect([err.kind, err.action]).to.deep.equal(["not-found", "kms:GenerateDataKey"]);
    }
  });

  it("fails sts:AssumeRole on an external ID mismatch through the platform's own trust check (moto alone lets it pass)", async () => {
    const c = await provision("acct-42", "ext-other");
    const mismatch = "external ID mismatch: the role trusts sts:ExternalId=ext-other, the platform uses ext-42 for acct-42; set the condition to ext-42";

    const inspected = createAwsCustomerKey(options(c, "acct-42", "ext-42", { inspectTrustPolicy: true }));
    expect(await inspected.validate()).to.deep.equal([
      { name: "sts:AssumeRole", status: "failed", message: mismatch },
      { name: "kms:DescribeKey", status: "skipped", message: "not run because sts:AssumeRole failed" },
      { name: "kms:GenerateDataKey", status: "skipped", message: "not run because sts:AssumeRole failed" },
      { name: "kms:Decrypt", status: "skipped", message: "not run because sts:AssumeRole failed" },
    ]);
    const err = await rejection(inspected.generateDataKey());
    expect([err.kind, err.action, err.message]).to.deep.equal(["access-denied", "sts:AssumeRole", mismatch]);

    // Why the check exists: moto's STS (with IAM auth off, as the harness runs it) ignores the trust policy.
    const uninspected = await createAwsCustomerKey(options(c, "acct-42", "ext-42")).validate();
    expect(uninspected.map((k) => k.status)).to.deep.equal(["ok", "ok", "ok", "ok"]);
  });

  it("fails sts:AssumeRole when the role does not exist, with the trust check on", async () => {
    const c = await provision("acct-42", "ext-42");
    const roleArn = "arn:aws:iam::123456789012:role/ekm-missing";
    const checks = await createAwsCustomerKey({ ...options(c, "acct-42", "ext-42", { inspectTrustPolicy: true }), roleArn }).validate();
    expect(checks[0]).to.deep.equal({
      name: "sts:AssumeRole",
      status: "failed",
      message: `iam:GetRole failed: role ${roleArn} does not exist — create it or register the right role ARN`,
    });
  });

  it("refuses to unwrap another account's data key: Decrypt under a different encryption context is invalid-key", async () => {
    const c = await provision("acct-a", "ext-a");
    const a = createAwsCustomerKey(options(c, "acct-a", "ext-a"));
    const b = createAwsCustomerKey(options(c, "acct-b", "ext-a"));
    const dataKey = await a.generateDataKey();

    const err = await rejection(b.unwrapDataKey(dataKey.wrapped, dataKey.keyRef));
    expect(err.kind).to.equal("invalid-key");
    expect(err.action).to.equal("kms:Decrypt");
    expect(err.message).to.equal(
      `kms:Decrypt rejected the wrapped data key under key ${c.keyArn} (InvalidCiphertextException) — it was wrapped with a different ` +
        "encryption context than tenant_id = acct-b (another account's data key), or it is corrupt",
    );
    expect((await a.unwrapDataKey(dataKey.wrapped, dataKey.keyRef)).equals(dataKey.plaintext)).to.equal(true);
  });

  it("counts real calls through onCall: one AssumeRole per session, re-assumed 5 minutes before expiry", async () => {
    const c = await provision("acct-42", "ext-42");
    const calls: string[] = [];
    let now = Date.now();
    const key = createAwsCustomerKey(
      options(c, "acct-42", "ext-42", { onCall: (service: AwsService, command: string) => calls.push(`${service}:${command}`), now: () => now }),
    );

    await key.validate();
    expect(calls.splice(0)).to.deep.equal(["sts:AssumeRole", "kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:GenerateDataKey", "kms:Decrypt"]);

    const dataKey = await key.generateDataKey();
    await key.generateDataKey();
    await key.unwrapDataKey(dataKey.wrapped, dataKey.keyRef);
    expect(calls.splice(0), "the cached session serves every call").to.deep.equal(["kms:GenerateDataKey", "kms:GenerateDataKey", "kms:Decrypt"]);

    now += 54 * 60_000; // 6 minutes left of the 1 h session: still cached
    await key.generateDataKey();
    expect(calls.splice(0)).to.deep.equal(["kms:GenerateDataKey"]);

    now += 2 * 60_000; // 4 minutes left: assumed again
    await key.generateDataKey();
    expect(calls.splice(0)).to.deep.equal(["sts:AssumeRole", "kms:GenerateDataKey"]);

    const inspected = createAwsCustomerKey(options(c, "acct-42", "ext-42", { inspectTrustPolicy: true, onCall: (s, cmd) => calls.push(`${s}:${cmd}`) }));
    await inspected.generateDataKey();
    expect(calls.splice(0)).to.deep.equal(["sts:AssumeRole", "iam:GetRole", "kms:GenerateDataKey"]);
  });

  it("reports AccessDenied per action when moto enforces IAM: the trust policy's external ID and a missing kms:GenerateDataKey", async () => {
    const config = motoClientConfig(moto.endpoint);
    const kms = new KMSClient(config);
    const iam = new IAMClient(config);
    try {
      const key = await kms.send(new CreateKeyCommand({ Description: "ekm acct-42" }));
      const keyArn = key.KeyMetadata!.Arn!;
      // The platform's own identity, and a role that trusts it with ext-42 but was only granted DescribeKey.
      const platformArn = (await iam.send(new CreateUserCommand({ UserName: "ekm-platform" }))).User!.Arn!;
      const allow = (Action: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource: "*" }] });
      await iam.send(new PutUserPolicyCommand({ UserName: "ekm-platform", PolicyName: "assume", PolicyDocument: allow(["sts:AssumeRole"]) }));
      const accessKey = (await iam.send(new CreateAccessKeyCommand({ UserName: "ekm-platform" }))).AccessKey!;
      const trust = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: platformArn }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "ext-42" } } }],
      };
      const roleArn = (await iam.send(new CreateRoleCommand({ RoleName: "ekm-acct-42", AssumeRolePolicyDocument: JSON.stringify(trust) }))).Role!.Arn!;
      await iam.send(new PutRolePolicyCommand({ RoleName: "ekm-acct-42", PolicyName: "ekm-key-access", PolicyDocument: allow(["kms:DescribeKey"]) }));

      await motoAuth(moto.endpoint, "0");
      const credentials = { accessKeyId: accessKey.AccessKeyId!, secretAccessKey: accessKey.SecretAccessKey! };
      const base = { accountId: "acct-42", keyArn, roleArn, credentials, platformPrincipalArn: platformArn };

      const denied = await createAwsCustomerKey({ ...base, externalId: "ext-42" }).validate();
      expect(denied[0]).to.include({ name: "sts:AssumeRole", status: "ok" });
      expect(denied.slice(1)).to.deep.equal([
        {
          name: "kms:DescribeKey",
          status: "ok",
          message:
            `key ${keyArn} is Enabled, SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT in us-east-1; ` +
            "rotation status unknown (kms:GetKeyRotationStatus is denied; the documented role policy grants kms:DescribeKey only)",
        },
        {
          name: "kms:GenerateDataKey",
          status: "failed",
          message:
            `kms:GenerateDataKey denied for role ${roleArn} — the role policy must allow kms:GenerateDataKey on ${keyArn} with condition ` +
            "StringEquals kms:EncryptionContext:tenant_id = acct-42, and the key policy must let IAM policies grant it " +
            "(the account root statement or one naming the role)",
        },
        { name: "kms:Decrypt", status: "skipped", message: "not run because kms:GenerateDataKey failed" },
      ]);

      const wrongId = await createAwsCustomerKey({ ...base, externalId: "ext-other" }).validate();
      expect(wrongId[0]).to.deep.equal({
        name: "sts:AssumeRole",
        status: "failed",
        message:
          `sts:AssumeRole denied for role ${roleArn} — the role must exist and its trust policy must allow ${platformArn} ` +
          "to call sts:AssumeRole with condition StringEquals sts:ExternalId = ext-other",
      });
    } finally {
      await motoAuth(moto.endpoint, "inf");
      kms.destroy();
      iam.destroy();
    }
  });

  it("times out within timeoutMs when STS or KMS accepts connections and never answers", async () => {
    const c = await provision("acct-42", "ext-42");
    const hole = await blackHole();
    try {
      const cases = [
        { variable: "AWS_ENDPOINT_URL_STS", action: "sts:AssumeRole", service: "AWS STS" },
        { variable: "AWS_ENDPOINT_URL_KMS", action: "kms:GenerateDataKey", service: "AWS KMS" },
      ];
      for (const { variable, action, service } of cases) {
        setEnv({ [variable]: hole.url });
        const key = createAwsCustomerKey(options(c, "acct-42", "ext-42", { timeoutMs: 400, maxAttempts: 3 }));
        const started = Date.now();
        const err = await rejection(key.generateDataKey());
        const elapsed = Date.now() - started;
        expect([err.kind, err.action, err.message]).to.deep.equal(["timeout", action, `${action} timed out after 400 ms: ${service} in us-east-1 did not answer — retry later`]);
        // One deadline covers every attempt: three attempts of 400 ms each would take at least 1200 ms.
        expect(elapsed, `${variable}: elapsed ${elapsed} ms`).to.be.below(1000);
        delete process.env[variable];
      }
    } finally {
      await hole.close();
    }
  });

  it("reports unavailable quickly when moto is stopped, and works again after it restarts", async () => {
    const c = await provision("acct-42", "ext-42");
    const warm = createAwsCustomerKey(options(c, "acct-42", "ext-42", { timeoutMs: 1000 }));
    await warm.generateDataKey(); // caches the session: the next failure is at KMS, not STS
    await moto.stop();
    try {
      const started = Date.now();
      const kmsDown = await rejection(warm.generateDataKey());
      expect([kmsDown.kind, kmsDown.message]).to.deep.equal([
        "unavailable",
        "kms:GenerateDataKey could not reach AWS KMS in us-east-1 (ECONNREFUSED) — check the platform's network path and endpoint configuration",
      ]);
      const checks = await createAwsCustomerKey(options(c, "acct-42", "ext-42", { timeoutMs: 1000 })).validate();
      expect(checks).to.deep.equal([
        {
          name: "sts:AssumeRole",
          status: "failed",
          message: "sts:AssumeRole could not reach AWS STS in us-east-1 (ECONNREFUSED) — check the platform's network path and endpoint configuration",
        },
        { name: "kms:DescribeKey", status: "skipped", message: "not run because sts:AssumeRole failed" },
        { name: "kms:GenerateDataKey", status: "skipped", message: "not run because sts:AssumeRole failed" },
        { name: "kms:Decrypt", status: "skipped", message: "not run because sts:AssumeRole failed" },
      ]);
      expect(Date.now() - started, "both failures together stay within one timeoutMs").to.be.below(1000);
    } finally {
      await moto.restart();
    }
    const c2 = await provision("acct-42", "ext-42");
    expect((await createAwsCustomerKey(options(c2, "acct-42", "ext-42")).validate()).every((k) => k.status === "ok")).to.equal(true);
  });
});
