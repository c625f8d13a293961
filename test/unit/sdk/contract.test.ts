/**
 * sdk/contract: the facts the components, the platform, the provider and the testing kit share,
 * and that each of them takes from there (a copy elsewhere is what this module replaced).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import {
  AWS_ACTIONS,
  AWS_VALIDATION_STEPS,
  AZURE_VALIDATION_STEPS,
  DOCUMENTED_DATA_ACTIONS,
  ENCRYPTION_CONTEXT_CONDITION_KEY,
  KEY_ACTIONS,
  KEY_USE_ACTIONS,
  KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER,
  KEY_VAULT_CRYPTO_USER,
  KEY_VAULT_DNS_SUFFIXES,
  REQUIRED_DATA_ACTION,
  VALIDATION_STEP_FIELD,
  WRAP_UNWRAP_DATA_ACTIONS,
  azureCloudOf,
  encryptionContext,
} from "../../../sdk/contract";
import { checkProperty } from "../../../dynamic-providers/check";
import { authorityHostFor } from "../../../platform/customer-keys/azure/options";
import { skippedMessage } from "../../../platform/customer-keys/chain";
import { ValidationCheck } from "../../../sdk/schemas";

const root = path.resolve(__dirname, "../../..");

describe("sdk/contract", () => {
  it("binds every data key to its account with the encryption context tenant_id", () => {
    expect(encryptionContext("acct-42")).to.deep.equal({ tenant_id: "acct-42" });
    expect(ENCRYPTION_CONTEXT_CONDITION_KEY).to.equal("kms:EncryptionContext:tenant_id");
  });

  it("names the AWS actions the platform needs, and those that carry the encryption context", () => {
    expect(KEY_ACTIONS).to.deep.equal(["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]);
    expect(KEY_USE_ACTIONS).to.deep.equal(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]);
    expect(AWS_ACTIONS.assumeRole).to.equal("sts:AssumeRole");
  });

  it("names the Azure built-in roles by id and the five documented data actions", () => {
    expect(KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER).to.deep.equal({ id: "e147488a-f6f5-4113-8e2d-b22465e65bf6", name: "Key Vault Crypto Service Encryption User" });
    expect(KEY_VAULT_CRYPTO_USER).to.deep.equal({ id: "12338af0-0e69-4776-bea7-57ae8d297424", name: "Key Vault Crypto User" });
    expect(DOCUMENTED_DATA_ACTIONS).to.deep.equal([
      "Microsoft.KeyVault/vaults/keys/read",
      "Microsoft.KeyVault/vaults/keys/wrap/action",
      "Microsoft.KeyVault/vaults/keys/unwrap/action",
      "Microsoft.KeyVault/vaults/keys/encrypt/action",
      "Microsoft.KeyVault/vaults/keys/decrypt/action",
    ]);
    expect(WRAP_UNWRAP_DATA_ACTIONS).to.deep.equal(DOCUMENTED_DATA_ACTIONS.slice(0, 3));
    expect(REQUIRED_DATA_ACTION).to.deep.equal({
      "keyvault:GetKey": "Microsoft.KeyVault/vaults/keys/read",
      "keyvault:WrapKey": "Microsoft.KeyVault/vaults/keys/wrap/action",
      "keyvault:UnwrapKey": "Microsoft.KeyVault/vaults/keys/unwrap/action",
    });
  });

  it("lists the Key Vault and Managed HSM DNS suffixes of the public and sovereign clouds, each with its authority", () => {
    expect(KEY_VAULT_DNS_SUFFIXES).to.deep.equal([
      "vault.azure.net",
      "vault.azure.cn",
      "vault.usgovcloudapi.net",
      "vault.microsoftazure.de",
      "managedhsm.azure.net",
      "managedhsm.azure.cn",
      "managedhsm.usgovcloudapi.net",
      "managedhsm.microsoftazure.de",
    ]);
    expect(azureCloudOf("Contoso.Vault.Azure.CN:443")?.name).to.equal("AzureChinaCloud");
    expect(azureCloudOf("hsm1.managedhsm.usgovcloudapi.net")?.name).to.equal("AzureUSGovernment");
    expect(azureCloudOf("vault.azure.net.example.com")).to.equal(undefined);
    expect(authorityHostFor("hsm1.managedhsm.microsoftazure.de")).to.equal("https://login.microsoftonline.de");
    expect(authorityHostFor("127.0.0.1:8443")).to.equal("https://login.microsoftonline.com");
  });

  it("names the validation steps of each cloud, in order", () => {
    expect(AWS_VALIDATION_STEPS).to.deep.equal(["sts:AssumeRole", "kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"]);
    expect(AZURE_VALIDATION_STEPS).to.deep.equal(["keyvault:GetKey", "keyvault:RecoveryLevel", "keyvault:WrapKey", "keyvault:UnwrapKey"]);
  });

  it("points each step at the input to fix, and an unknown step at the whole reference", () => {
    expect(AWS_VALIDATION_STEPS.map((s) => checkProperty(s, "aws"))).to.deep.equal(["config.aws.roleArn", "config.aws.keyArn", "config.aws.keyArn", "config.aws.keyArn"]);
    expect(AZURE_VALIDATION_STEPS.map((s) => checkProperty(s, "azure"))).to.deep.equal(["config.azure", "config.azure", "config.azure", "config.azure"]);
    expect(checkProperty("kms:GetKeyRotationStatus", "aws")).to.equal("config.aws");
    expect(checkProperty("sts:AssumeRole", "azure")).to.equal("config.azure");
    expect(Object.keys(VALIDATION_STEP_FIELD).sort()).to.deep.equal([...AWS_VALIDATION_STEPS, ...AZURE_VALIDATION_STEPS].sort());
  });

  it("gives every check an explicit status instead of a message prefix", () => {
    expect(ValidationCheck.safeParse({ name: "kms:Decrypt", status: "skipped", message: skippedMessage("kms:GenerateDataKey") }).data).to.deep.equal({
      name: "kms:Decrypt",
      status: "skipped",
      message: "not run because kms:GenerateDataKey failed",
    });
    const old = ValidationCheck.safeParse({ name: "kms:Decrypt", ok: false, message: "skipped: kms:GenerateDataKey failed" });
    expect(old.success).to.equal(false);
    expect(ValidationCheck.safeParse({ name: "kms:Decrypt", status: "passed", message: "m" }).success).to.equal(false);
  });

  it("is the only place the role ids, data actions and DNS suffix list are written in the package's sources", () => {
    const facts = [KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER.id, KEY_VAULT_CRYPTO_USER.id, "Microsoft.KeyVault/vaults/keys/encrypt/action", '"vault.usgovcloudapi.net"', '"tenant_id"', 'startsWith("skipped'];
    const sources = ["index.ts", "sdk", "platform", "components", "dynamic-providers", "testing"].flatMap((p) => tsFiles(path.join(root, p)));
    const copies = sources
      .filter((f) => !f.startsWith(path.join(root, "sdk", "contract") + path.sep))
      .flatMap((f) => facts.filter((fact) => fs.readFileSync(f, "utf8").includes(fact)).map((fact) => `${path.relative(root, f)}: ${fact}`));
    expect(copies).to.deep.equal([]);
  });
});

/** Every .ts file under `p` (or `p` itself), without node_modules. */
function tsFiles(p: string): string[] {
  const stat = fs.statSync(p);
  if (stat.isFile()) return p.endsWith(".ts") ? [p] : [];
  return fs
    .readdirSync(p)
    .filter((n) => n !== "node_modules")
    .flatMap((n) => tsFiles(path.join(p, n)));
}
