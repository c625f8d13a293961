/**
 * Validation of ekm:azure:ByokKey arguments: every argument, exact messages.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import type { ByokKeyArgs } from "../../../components/azure/byokKey";
import { byokKeyArgsProblems, isoDurationDays, validateByokKeyArgs } from "../../../components/azure/validate";

const PRINCIPAL = "0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b";
const base: ByokKeyArgs = { platformPrincipalId: PRINCIPAL };
const loose = (args: Record<string, unknown>) => args as unknown as ByokKeyArgs;

const PRINCIPAL_FIX =
  'must be the object id (a GUID) of the platform application\'s service principal in your tenant: create it with "az ad sp create --id <applicationId from GET /v1/accounts/{accountId}/key-management/trust>" and pass its "id"';
const VAULT_NAME_FIX = "must be 3-24 letters, digits and single hyphens, start with a letter and end with a letter or digit (vault names are global DNS names)";

const rejected: { when: string; args: ByokKeyArgs; name?: string; message: string }[] = [
  {
    when: "platformPrincipalId is missing",
    args: loose({}),
    message:
      'platformPrincipalId is required: pass the object id of the platform application\'s service principal in your tenant (create it with "az ad sp create --id <applicationId from GET /v1/accounts/{accountId}/key-management/trust>"); received undefined',
  },
  {
    when: "platformPrincipalId is not a GUID",
    args: { platformPrincipalId: "ekm-platform" },
    message: `platformPrincipalId ${PRINCIPAL_FIX}; received "ekm-platform"`,
  },
  {
    when: "tenantId is a domain name",
    args: { ...base, tenantId: "contoso.onmicrosoft.com" },
    message:
      'tenantId must be a Microsoft Entra tenant ID (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47); find it with "az account show --query tenantId"; received "contoso.onmicrosoft.com"',
  },
  ...["rg.", "r".repeat(91), "rg/byok"].map((rg) => ({
    when: `resourceGroupName is ${JSON.stringify(rg.length > 20 ? `${rg.length} characters` : rg)}`,
    args: { ...base, resourceGroupName: rg },
    message: `resourceGroupName must be 1-90 letters, digits, "_", ".", "(", ")" and "-", not ending with "."; received ${JSON.stringify(rg)}`,
  })),
  ...["kv", "1vault", "byok--vault", "byok_vault", "byok-vault-", "v".repeat(25)].map((name) => ({
    when: `vault.name is ${JSON.stringify(name)}`,
    args: { ...base, vault: { name } },
    message: `vault.name ${VAULT_NAME_FIX}; received ${JSON.stringify(name)}`,
  })),
  {
    when: "vault.name is omitted and the component name is too long for an auto-named vault",
    args: base,
    name: "acme-production",
    message:
      'vault.name is required for component "acme-production": the auto-generated name "acme-production-vault" plus azure-native\'s 8-character suffix would not be a valid vault name (3-24 letters, digits and hyphens, starting with a letter); set vault.name, or use a component name of at most 10 letters, digits and hyphens; received undefined',
  },
  {
    when: "key.name is omitted and the component name has characters key names do not allow",
    args: { ...base, vault: { name: "acme-byok" } },
    name: "acme_prod",
    message:
      'key.name is required for component "acme_prod": the auto-generated name "acme_prod-key" plus azure-native\'s 8-character suffix would not be a valid key name (1-127 letters, digits and hyphens); set key.name; received undefined',
  },
  {
    when: "vault.sku is not standard or premium",
    args: loose({ ...base, vault: { sku: "basic" } }),
    message: 'vault.sku must be "standard" (the default) or "premium"; received "basic"',
  },
  ...[6, 91, 30.5].map((days) => ({
    when: `vault.softDeleteRetentionInDays is ${days}`,
    args: { ...base, vault: { softDeleteRetentionInDays: days } },
    message: `vault.softDeleteRetentionInDays must be an integer from 7 to 90 (days a deleted vault or key stays recoverable); received ${days}`,
  })),
  {
    when: "existingVaultName is set without resourceGroupName",
    args: { ...base, existingVaultName: "contoso-byok" },
    message: 'existingVaultName is set without resourceGroupName; received existingVaultName "contoso-byok": set resourceGroupName to the vault\'s resource group',
  },
  {
    when: "existingVaultName is set together with vault options",
    args: { ...base, resourceGroupName: "rg-byok", existingVaultName: "contoso-byok", vault: { sku: "premium", softDeleteRetentionInDays: 30 } },
    message:
      'existingVaultName is set together with vault.sku and vault.softDeleteRetentionInDays; received existingVaultName "contoso-byok": vault options only apply to a vault this component creates, so remove vault.sku and vault.softDeleteRetentionInDays to use the existing vault, or remove existingVaultName to create one',
  },
  {
    when: "existingVaultName is not a vault name",
    args: { ...base, resourceGroupName: "rg-byok", existingVaultName: "contoso.byok" },
    message: `existingVaultName ${VAULT_NAME_FIX}; received "contoso.byok"`,
  },
  {
    when: "key.name has an underscore",
    args: { ...base, key: { name: "byok_key" } },
    message: 'key.name must be a Key Vault key name: 1-127 letters, digits and hyphens; received "byok_key"',
  },
  {
    when: "key.kty is an elliptic-curve type",
    args: loose({ ...base, key: { kty: "EC" } }),
    message: 'key.kty must be "RSA" (the default) or "RSA-HSM" (the platform wraps with RSA-OAEP-256); received "EC"',
  },
  {
    when: "key.size is 1024",
    args: loose({ ...base, key: { size: 1024 } }),
    message: "key.size must be 2048, 3072 (the default) or 4096; received 1024",
  },
  {
    when: "key.kty is RSA-HSM and vault.sku is the default",
    args: { ...base, key: { kty: "RSA-HSM" } },
    message: 'key.kty "RSA-HSM" needs a premium vault; received vault.sku "standard" (the default): set vault.sku: "premium", or use key.kty: "RSA"',
  },
  {
    when: "key.kty is RSA-HSM and vault.sku is standard",
    args: { ...base, key: { kty: "RSA-HSM" }, vault: { sku: "standard" } },
    message: 'key.kty "RSA-HSM" needs a premium vault; received vault.sku "standard": set vault.sku: "premium", or use key.kty: "RSA"',
  },
  ...["90 days", "PT2160H", "P"].map((d) => ({
    when: `key.rotateAfter is ${JSON.stringify(d)}`,
    args: { ...base, key: { rotateAfter: d } },
    message: `key.rotateAfter must be an ISO-8601 duration in years, months, weeks or days, e.g. "P90D"; received ${JSON.stringify(d)}`,
  })),
  {
    when: "key.rotateAfter is shorter than 7 days",
    args: { ...base, key: { rotateAfter: "P6D" } },
    message: 'key.rotateAfter must be at least 7 days (P7D), e.g. "P90D"; received "P6D"',
  },
  {
    when: "key.expiresAfter is shorter than 28 days",
    args: { ...base, key: { rotateAfter: "P7D", expiresAfter: "P27D" } },
    message: 'key.expiresAfter must be at least 28 days (P28D), e.g. "P1Y"; received "P27D"',
  },
  {
    when: "key.expiresAfter is not a duration",
    args: { ...base, key: { expiresAfter: "2027-01-01" } },
    message: 'key.expiresAfter must be an ISO-8601 duration in years, months, weeks or days, e.g. "P1Y"; received "2027-01-01"',
  },
  {
    when: "key.rotateAfter is less than 7 days before key.expiresAfter",
    args: { ...base, key: { rotateAfter: "P90D", expiresAfter: "P3M" } },
    message:
      'key.rotateAfter must be at least 7 days before key.expiresAfter so a new version exists before the current one expires; received key.rotateAfter "P90D" and key.expiresAfter "P3M": shorten key.rotateAfter or lengthen key.expiresAfter',
  },
  {
    when: "the default key.rotateAfter is too close to a short key.expiresAfter",
    args: { ...base, key: { expiresAfter: "P28D" } },
    message:
      'key.rotateAfter must be at least 7 days before key.expiresAfter so a new version exists before the current one expires; received key.rotateAfter "P90D" and key.expiresAfter "P28D": shorten key.rotateAfter or lengthen key.expiresAfter',
  },
  {
    when: "roleStrategy is not a known strategy",
    args: loose({ ...base, roleStrategy: "owner" }),
    message: 'roleStrategy must be "least-privilege" (the default: a custom role with exactly the documented data actions) or "builtin"; received "owner"',
  },
  {
    when: "permissionSet is not a known set",
    args: loose({ ...base, permissionSet: "all" }),
    message: 'permissionSet must be "documented" (the default) or "wrap-unwrap"; received "all"',
  },
];

const accepted: { when: string; args: ByokKeyArgs; name?: string }[] = [
  { when: "only platformPrincipalId is given", args: base, name: "acme" },
  { when: "the component name is 10 characters", args: base, name: "acme-prod1" },
  { when: "a long component name comes with vault.name", args: { ...base, vault: { name: "acme-prod-byok" } }, name: "acme-production-eu" },
  { when: "key.kty is RSA-HSM in a premium vault", args: { ...base, key: { kty: "RSA-HSM", size: 4096 }, vault: { sku: "premium" } } },
  { when: "key.kty is RSA-HSM in an existing vault (its sku is checked at deployment)", args: { ...base, resourceGroupName: "rg-byok", existingVaultName: "contoso-byok", key: { kty: "RSA-HSM" } } },
  { when: "the rotation bounds are used", args: { ...base, key: { rotateAfter: "P21D", expiresAfter: "P28D" } } },
  { when: "durations use years, months and weeks", args: { ...base, key: { rotateAfter: "P1M2W", expiresAfter: "P1Y6M" } } },
  { when: "the retention bounds are used", args: { ...base, vault: { softDeleteRetentionInDays: 7 } } },
  { when: "every option is set", args: { ...base, resourceGroupName: "rg-byok_(eu).1", location: "westeurope", tenantId: "72F988BF-86F1-41AF-91AB-2D7CD011DB47", vault: { name: "Contoso-Byok-1", sku: "premium", softDeleteRetentionInDays: 90, networkAcls: { defaultAction: "Deny", bypass: "AzureServices" }, tags: { a: "b" } }, key: { name: "byok-key-1", kty: "RSA", size: 2048, rotateAfter: "P180D", expiresAfter: "P2Y", tags: { a: "b" } }, roleStrategy: "builtin", permissionSet: "wrap-unwrap" } },
  { when: "values are Outputs (checked when they resolve)", args: { platformPrincipalId: pulumi.output("x"), tenantId: pulumi.output("y"), resourceGroupName: pulumi.output("rg.") } },
];

describe("azure.ByokKey validation", () => {
  for (const c of rejected) {
    it(`rejects the arguments when ${c.when}`, () => {
      expect(byokKeyArgsProblems(c.args, c.name).map((p) => p.message)).to.deep.equal([c.message]);
      expect(() => validateByokKeyArgs(c.args, undefined, c.name)).to.throw(pulumi.ResourceError).with.property("message", c.message);
    });
  }

  for (const c of accepted) {
    it(`accepts the arguments when ${c.when}`, () => {
      expect(byokKeyArgsProblems(c.args, c.name)).to.deep.equal([]);
    });
  }

  it("rejects the arguments with every problem at once, one per line, when several are invalid", () => {
    const args = loose({ platformPrincipalId: "sp", vault: { sku: "basic" }, key: { size: 1024 } });
    expect(byokKeyArgsProblems(args).map((p) => p.argument)).to.deep.equal(["vault.sku", "key.size", "platformPrincipalId"]);
    expect(() => validateByokKeyArgs(args)).to.throw(pulumi.ResourceError).with.property("message").that.has.string("\n");
  });

  const durations: [string, number | undefined][] = [
    ["P90D", 90],
    ["P1Y", 365],
    ["P3M", 90],
    ["P2W", 14],
    ["P1Y2M3W4D", 365 + 60 + 21 + 4],
    ["P", undefined],
    ["PT1H", undefined],
    ["90D", undefined],
  ];
  for (const [text, days] of durations) {
    it(`counts ${text} as ${days ?? "not a duration"}`, () => {
      expect(isoDurationDays(text)).to.equal(days);
    });
  }
});
