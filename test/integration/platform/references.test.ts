// Key references under the real ekm-platform process: vault URLs (https on the default port only,
// normalised, and network errors that tell the client what to check but leave the exact code to
// the operator's log), AWS roles in the key's partition, and stored configurations that no longer
// pass the rules (edited in the store) falling back instead of failing.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { PlatformError } from "../../../sdk";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer } from "../../support/awsCustomer";
import { motoEnv, startMoto, type MotoServer } from "../../support/moto";
import { startPlatformProcess, type PlatformProcess } from "../../support/platformProcess";
import { freePort } from "../../support/ports";
import { rejection } from "../../support/rejection";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const VAULT_FIX = 'must be a Key Vault URL https://<vault-name>.<Key Vault DNS suffix>/ such as https://contoso-byok.vault.azure.net/ (the vault\'s "Vault URI")';
const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("platform process: key references", function () {
  this.timeout(120_000);
  let dir: string;
  let p: PlatformProcess | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ekm-refs-"))));
  afterEach(async () => {
    await p?.stop();
    p = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A platform that can reach no cloud: AWS and every HTTPS request go to closed loopback ports. */
  const isolated = async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    p = await startPlatformProcess(dir, {
      env: { AWS_ENDPOINT_URL: closed, AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x", AWS_REGION: "us-east-1", HTTPS_PROXY: closed, HTTP_PROXY: closed, NO_PROXY: "", EKM_AZURE_CLIENT_ID: "11111111-2222-3333-4444-555555555555", EKM_AZURE_CLIENT_SECRET: "client-secret-never-shown" },
    });
    const { accountId, token } = await p.admin.createAccount();
    return { accountId, client: p.client(token), token };
  };
  const azure = (vaultUrl: string) => ({ provider: "azure" as const, azure: { vaultUrl, tenantId: TENANT, keyName: "ekm" }, nickname: "n", activationDate: "2026-01-01" });

  describe("vault URLs", () => {
    const refused: [string, string][] = [
      ["https://contoso.vault.azure.net:8443/", "remove the port :8443 (Key Vault answers on https's default port 443 only)"],
      ["https:contoso.vault.azure.net", "it must start with https:// (only https is allowed)"],
      ["http://contoso.vault.azure.net/", "it must start with https:// (only https is allowed)"],
      ["https://cont%6Fso.vault.azure.net/", "write the host without percent-encoding"],
      ["https://me@contoso.vault.azure.net/", "remove the credentials from the URL"],
      ["https://contoso.vault.azure.net/?", "remove the path, query and fragment (give the vault, not a key)"],
      ["https://contoso.vault.azure.net/#", "remove the path, query and fragment (give the vault, not a key)"],
    ];
    it("refuses ports, https:host, percent-encoded hosts, userinfo, query and fragment with 400 naming the field, storing nothing", async () => {
      const { accountId, token } = await isolated();
      for (const [vaultUrl, why] of refused) {
        const res = await fetch(`${p!.url}/v1/accounts/${accountId}/key-management/byok`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(azure(vaultUrl)) });
        const { error } = (await res.json()) as { error: { message: string; field: string } };
        expect([vaultUrl, res.status, error.field, error.message]).to.deep.equal([vaultUrl, 400, "azure.vaultUrl", `azure.vaultUrl: ${VAULT_FIX}; ${why}; received ${JSON.stringify(vaultUrl)}`]);
      }
      expect((await p!.client(token).getKeyManagement(accountId)).byok).to.equal(null);
    });

    it("checks the normalised URL and says what to check when the vault cannot be reached; the error code goes to the operator's log only", async () => {
      const { accountId, client } = await isolated();
      const r = await client.validateByok(accountId, azure("  https://Contoso-BYOK.vault.azure.net  "));
      expect(r.validation.checks[0]).to.deep.equal({
        name: "keyvault:GetKey",
        status: "failed",
        message: "keyvault:GetKey could not reach the vault contoso-byok.vault.azure.net — check the vault URL, the vault's network ACLs (firewall rules) and private endpoints: the vault must accept connections from the platform",
      });
      expect(JSON.stringify(r)).to.not.match(/ECONN|EAI_AGAIN|ENOTFOUND|REQUEST_SEND_ERROR/);
      const log = p!.proc.tail(200_000).split("\n").filter((l) => l.includes("could not reach a customer's vault"));
      expect(log.length).to.be.greaterThan(0);
      expect(JSON.parse(log[0])).to.deep.include({ level: "warn", accountId, detail: "keyvault:GetKey to contoso-byok.vault.azure.net: ECONNREFUSED" });
    });
  });

  describe("AWS references", () => {
    for (const partition of ["aws-cn", "aws-us-gov"]) {
      it(`refuses a role in ${partition} for a key in aws with 422 naming the field, before any AWS call`, async () => {
        const { accountId, client } = await isolated();
        const request = { provider: "aws" as const, aws: { keyArn: KEY_ARN, roleArn: `arn:${partition}:iam::111122223333:role/ekm` }, nickname: "n", activationDate: "2026-01-01" };
        for (const call of [() => client.validateByok(accountId, request), () => client.putByok(accountId, request)]) {
          const err = await rejection<PlatformError>(call());
          expect([err.status, err.code, err.field]).to.deep.equal([422, "validation_failed", "aws.roleArn"]);
          expect(err.message).to.contain(
            `): aws.roleArn must be in the key's partition aws, received a role in partition ${partition}: create the role in the same partition as the key (arn:aws:iam::<account>:role/<name>)`,
          );
        }
        const events = (await client.listEvents(accountId)).events.map((e) => e.type);
        expect(events, "no validation ran").to.not.include("byok.validated");
      });
    }
  });

  describe("a stored configuration the rules refuse", () => {
    let moto: MotoServer;
    before(async () => (moto = await startMoto()));
    after(async () => moto?.stop());

    const edits: [string, string, string][] = [
      [
        "an AWS role moved to another partition",
        `UPDATE byok_configs SET reference = json_set(reference, '$.roleArn', 'arn:aws-us-gov:iam::123456789012:role/ekm') WHERE account_id = ?`,
        "aws.roleArn must be in the key's partition aws, received a role in partition aws-us-gov",
      ],
      [
        "an Azure vault on a port of a foreign host",
        `UPDATE byok_configs SET provider = 'azure', reference = '{"vaultUrl":"https://kv.attacker.example:8443/","tenantId":"${TENANT}","keyName":"ekm"}' WHERE account_id = ?`,
        "azure.vaultUrl must be a Key Vault URL",
      ],
    ];
    for (const [what, sql, reason] of edits) {
      it(`falls back to the platform key (degraded, with the reason) for ${what}, never a 500`, async () => {
        const env = { ...motoEnv(moto.endpoint), EKM_INSPECT_TRUST_POLICY: "1" };
        p = await startPlatformProcess(dir, { args: ["--aws-principal-arn", MOTO_PLATFORM_PRINCIPAL], env });
        const { accountId, token } = await p.admin.createAccount();
        const client = p.client(token);
        const customer = await provisionCustomer(moto.endpoint, { accountId, externalId: (await client.getTrust(accountId)).aws!.externalId });
        await client.putByok(accountId, { provider: "aws", aws: { keyArn: customer.keyArn, roleArn: customer.roleArn }, nickname: "n", activationDate: "2026-01-01" });
        const before = await client.encryptContent(accountId, "under the customer key");
        expect(before.keySource).to.equal("byok-aws");
        await p.stop();

        const db = new DatabaseSync(join(dir, "platform.db"));
        db.prepare(sql).run(accountId);
        db.close();

        p = await startPlatformProcess(dir, { args: ["--aws-principal-arn", MOTO_PLATFORM_PRINCIPAL], env });
        const again = p.client(token);
        const after = await again.encryptContent(accountId, "new content");
        expect(after.keySource).to.equal("platform");
        // Raw HTTP: the state shows the reference as stored, which the typed client checks against today's formats.
        const res = await fetch(`${p.url}/v1/accounts/${accountId}/key-management`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).to.equal(200);
        const state = (await res.json()) as { effectiveKeySource: string; byok: { status: string }; fallback: { reason: string } };
        expect([state.effectiveKeySource, state.byok.status]).to.deep.equal(["platform-fallback", "degraded"]);
        expect(state.fallback.reason).to.contain("stored configuration: the stored configuration no longer passes the platform's rules (").and.contain(reason);
        expect(Buffer.from((await again.decryptContent(accountId, after.ciphertext)).plaintext, "base64").toString()).to.equal("new content");
        // Content wrapped before the edit names the key that wrapped it: it still decrypts.
        expect(Buffer.from((await again.decryptContent(accountId, before.ciphertext)).plaintext, "base64").toString()).to.equal("under the customer key");
        expect(p.proc.tail(200_000)).to.not.contain('"status":500');
      });
    }
  });
});
