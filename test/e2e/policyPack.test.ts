// The policy pack (pulumi-ekm/policy) under the real CLI: `pulumi preview --policy-pack <dir>`
// starts the pack through the project's Node language host (RunPlugin, scripts/bootstrap/
// langhost/main.go), which runs @pulumi/pulumi/cmd/run-policy-pack from the pack's own install.
//
// The pack is examples/policy-pack as a user installs it: its PulumiPolicy.yaml and index.ts,
// a package.json naming the pulumi-ekm tarball and @pulumi/policy. The programs import the
// installed tarball too: the real ByokKey components (both clouds), a ByokConfiguration, and
// raw aws / azure-native resources. The engine calls the AWS and Azure providers' Check before
// the analyzer sees a resource, and their plugins cannot be downloaded here, so ambient no-op
// providers (test/support/noopProvider.ts) stand in for them: they echo the inputs unchanged.
// What the real providers would add to the inputs is therefore not covered (see docs/policy.md).
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { RULES } from "../../sdk/contract/posture";
import { PACK_RULES } from "../../policy/rules";
import { EKM_POLICY_PACK_NAME } from "../../policy/pack";
import { noopProviderBin } from "../support/noopProvider";
import { repoRoot } from "../support/process";
import { PULUMI_SDK_VERSION, PULUMI_TEMPLATE_TSCONFIG, REPO_PACKAGE, createUserProject, initStack, installTarballProject, runPulumi, type PulumiResult, type UserProject } from "../support/pulumi";

const DEPS = {
  "@pulumi/aws": REPO_PACKAGE.devDependencies["@pulumi/aws"]!,
  "@pulumi/azure-native": REPO_PACKAGE.devDependencies["@pulumi/azure-native"]!,
  "@pulumi/policy": REPO_PACKAGE.devDependencies["@pulumi/policy"]!,
};
const DAY = 24 * 60 * 60 * 1000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

const HEADER = `import * as aws from "@pulumi/aws";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { ByokConfiguration } from "pulumi-ekm";
import { ByokKey as AwsByokKey } from "pulumi-ekm/components/aws";
import { ByokKey as AzureByokKey } from "pulumi-ekm/components/azure";

const accountId = "acct-3f9a1c2b7d4e5f60";
const trust = { principalArn: "arn:aws:iam::444455556666:role/ekm-platform", externalId: "ekm-acct-3f9a1c2b7d4e5f60" };
const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const platformPrincipalId = "0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
`;

/** Every rule of the pack broken at least once, by the components' arguments and by raw resources. */
const VIOLATING = `${HEADER}
const awsKey = new AwsByokKey("aws", { accountId, trust, policy: "documented", key: { rotationPeriodInDays: 400, deletionWindowInDays: 7 } });
new AzureByokKey("az", { resourceGroupName: "rg-ekm", tenantId, platformPrincipalId, vault: { name: "ekm-violating" }, key: { rotateAfter: "P2Y", expiresAfter: "P3Y" } });
new ByokConfiguration("byok", { accountId, config: awsKey.byokConfig, nickname: "Violating key", activationDate: "${isoDay(-800)}" });

new aws.kms.Key("raw-key", { enableKeyRotation: false, deletionWindowInDays: 7 });
new aws.iam.Role("raw-role", {
  assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: trust.principalArn }, Action: "sts:AssumeRole" }] }),
});
new aws.iam.RolePolicy("raw-policy", {
  role: "raw-role",
  policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Decrypt"], Resource: "*" }] }),
});
new keyvault.Vault("raw-vault", {
  resourceGroupName: "rg-ekm",
  vaultName: "ekm-raw",
  properties: { tenantId, sku: { family: "A", name: "standard" }, enableRbacAuthorization: false },
});
new keyvault.Key("raw-kv-key", { resourceGroupName: "rg-ekm", vaultName: "ekm-raw", keyName: "raw", properties: { kty: "RSA", keySize: 1024 } });
`;

/** The same resources, compliant: the components' defaults and raw resources configured like them. */
const COMPLIANT = `${HEADER}
const awsKey = new AwsByokKey("aws", { accountId, trust });
new AzureByokKey("az", { resourceGroupName: "rg-ekm", tenantId, platformPrincipalId, vault: { name: "ekm-compliant" } });
new ByokConfiguration("byok", { accountId, config: awsKey.byokConfig, nickname: "Compliant key", activationDate: "${isoDay(7)}" });

new aws.kms.Key("raw-key", { enableKeyRotation: true, rotationPeriodInDays: 90, deletionWindowInDays: 30 });
new aws.iam.Role("raw-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: trust.principalArn }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": trust.externalId } } }],
  }),
});
new aws.iam.RolePolicy("raw-policy", {
  role: "raw-role",
  policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Decrypt"], Resource: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }] }),
});
new keyvault.Vault("raw-vault", {
  resourceGroupName: "rg-ekm",
  vaultName: "ekm-raw",
  properties: { tenantId, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true, enablePurgeProtection: true },
});
new keyvault.Key("raw-kv-key", {
  resourceGroupName: "rg-ekm",
  vaultName: "ekm-raw",
  keyName: "raw",
  properties: { kty: "RSA", keySize: 3072, rotationPolicy: { lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } }], attributes: { expiryTime: "P1Y" } } },
});
`;

/**
 * examples/policy-pack installed as a user installs it: its own folder, `npm install` of a
 * package.json naming the pulumi-ekm tarball and @pulumi/policy (no cloud SDK), then the
 * example's PulumiPolicy.yaml and index.ts with the policy templates' tsconfig.json.
 */
async function installPack(): Promise<string> {
  const { root } = await installTarballProject({
    name: "ekm-policy",
    version: "0.1.0",
    private: true,
    main: "index.ts",
    dependencies: { "@pulumi/policy": DEPS["@pulumi/policy"], "@pulumi/pulumi": PULUMI_SDK_VERSION, [REPO_PACKAGE.name]: "file:./pulumi-ekm.tgz" },
    devDependencies: { typescript: REPO_PACKAGE.devDependencies.typescript, "@types/node": REPO_PACKAGE.devDependencies["@types/node"] },
  });
  const example = path.join(repoRoot, "examples", "policy-pack");
  for (const file of ["PulumiPolicy.yaml", "index.ts"]) fs.copyFileSync(path.join(example, file), path.join(root, file));
  fs.writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({ ...PULUMI_TEMPLATE_TSCONFIG, files: ["index.ts"] }, null, 2));
  return root;
}

/** Whitespace collapsed, so a message the CLI wraps or indents still matches. */
const flat = (text: string) => text.replace(/\s+/g, " ");

describe("policy pack under the real CLI (pulumi preview --policy-pack)", function () {
  this.timeout(1_200_000);
  let providers: string;
  let packDir: string;
  const env = () => ({ PATH: `${providers}${path.delimiter}${process.env.PATH ?? ""}` });

  async function preview(program: string, name: string): Promise<{ project: UserProject; result: PulumiResult }> {
    const project = await createUserProject({ name, indexTs: program, extraDeps: DEPS });
    await initStack(project, "dev");
    const result = await runPulumi(project, ["preview", "--policy-pack", packDir], { stack: "dev", env: env(), timeoutMs: 600_000 });
    return { project, result };
  }

  before(async () => {
    providers = noopProviderBin(["aws", "azure-native"]);
    packDir = await installPack();
  });

  after(() => fs.rmSync(providers, { recursive: true, force: true }));

  it("fails a violating program with each policy's message, naming the resource", async () => {
    const { result } = await preview(VIOLATING, "policy-violating");
    const out = flat(result.stdout + result.stderr);
    expect(result.code, out.slice(-3000)).to.not.equal(0);
    expect(out).to.include(EKM_POLICY_PACK_NAME);
    // Every policy of the pack fired (its id is printed with the violation and ends its message).
    for (const { rule } of PACK_RULES) expect(out, rule.id).to.include(`[${rule.id}]`);
    const expected: [string, string][] = [
      [RULES.rotationOff.id, "enableKeyRotation is false: set enableKeyRotation: true so KMS rotates the key material"],
      [RULES.rotationOff.id, 'properties.rotationPolicy has no "rotate" lifetime action'],
      [RULES.rotationPeriodTooLong.id, "key.rotationPeriodInDays is 400, above the maximum of 365 days (maxRotationPeriodDays)"],
      [RULES.rotationPeriodTooLong.id, 'key.rotateAfter is "P2Y" (730 days), above the maximum of 365 days'],
      [RULES.keyNoExpiry.id, "properties.rotationPolicy.attributes.expiryTime is not set, so key versions never expire"],
      [RULES.rsaKeyTooSmall.id, "properties.keySize is 1024, below the minimum of"],
      [RULES.deletionWindowShort.id, "key.deletionWindowInDays is 7, below the minimum of 30 days"],
      [RULES.deletionWindowShort.id, "deletionWindowInDays is 7, below the minimum of 30 days (minDeletionWindowDays): set deletionWindowInDays to 30 or more"],
      [RULES.purgeProtectionOff.id, "properties.enablePurgeProtection is null (off by default)"],
      [RULES.vaultRbacOff.id, "properties.enableRbacAuthorization is false"],
      [RULES.trustWithoutExternalId.id, 'assumeRolePolicy Statement[0] lets "arn:aws:iam::444455556666:role/ekm-platform" assume the role without a sts:ExternalId condition'],
      [RULES.wildcardResource.id, 'policy Statement[0] allows KMS actions on Resource "*"'],
      [RULES.documentedPolicy.id, 'policy is "documented", the product documentation\'s IAM policy'],
      [RULES.activationDateSanity.id, `activationDate is "${isoDay(-800)}", `],
    ];
    for (const [id, text] of expected) expect(out, `${id}: ${text}`).to.include(text);
    // Mandatory violations fail the preview; the engine says so.
    expect(out).to.match(/mandatory/);
  });

  let compliant: UserProject | undefined;

  it("passes a compliant program: exit 0 and no violation", async () => {
    const { project, result } = await preview(COMPLIANT, "policy-compliant");
    compliant = project;
    const out = flat(result.stdout + result.stderr);
    expect(result.code, out.slice(-3000)).to.equal(0);
    for (const { rule } of PACK_RULES) expect(out, rule.id).to.not.include(`[${rule.id}]`);
    expect(out).to.not.include("can't run policy");
  });

  it("applies a policy config file: a tighter threshold and a raised enforcement level fail the same program", async () => {
    if (!compliant) throw new Error("the compliant program's test did not run");
    const config = path.join(compliant.dir, "policy-config.json");
    fs.writeFileSync(config, JSON.stringify({ [RULES.rotationPeriodTooLong.id]: { enforcementLevel: "mandatory", maxRotationPeriodDays: 60 } }));
    const result = await runPulumi(compliant, ["preview", "--policy-pack", packDir, "--policy-pack-config", config], { stack: "dev", env: env(), timeoutMs: 600_000 });
    const out = flat(result.stdout + result.stderr);
    expect(result.code, out.slice(-3000)).to.not.equal(0);
    expect(out).to.include(`[mandatory] [severity: medium] ${RULES.rotationPeriodTooLong.id} (ekm:aws:ByokKey: aws)`);
    expect(out).to.include("key.rotationPeriodInDays is 90, above the maximum of 60 days (maxRotationPeriodDays)");
    expect(out).to.include('key.rotateAfter is "P90D" (90 days), above the maximum of 60 days');
    expect(out).to.not.include(`[${RULES.rotationOff.id}]`);
  });
});
