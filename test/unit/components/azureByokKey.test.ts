/**
 * ekm:azure:ByokKey under mocks: the resource graph, the exact vault, key, role definition
 * and role assignment inputs, the outputs, and existing vaults.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { expect } from "chai";
import { AzureKeyReference, PutByokRequest, vaultUrlProblem } from "../../../sdk/schemas";
import { ByokKey, type ByokKeyArgs } from "../../../components/azure/byokKey";
import { ekmMocks, outputDependencies, outputValue, recorded, waitForRegistrations, type EkmMocksOptions, outputFailure } from "../../../testing";

const PRINCIPAL = "0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b";
const SUBSCRIPTION = "5f3c1a2b-7d4e-4f60-9a1b-2c3d4e5f6a7b";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const DOCUMENTED_DATA_ACTIONS = [
  "Microsoft.KeyVault/vaults/keys/read",
  "Microsoft.KeyVault/vaults/keys/wrap/action",
  "Microsoft.KeyVault/vaults/keys/unwrap/action",
  "Microsoft.KeyVault/vaults/keys/encrypt/action",
  "Microsoft.KeyVault/vaults/keys/decrypt/action",
];
const T = {
  rg: "azure-native:resources:ResourceGroup",
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  roleDefinition: "azure-native:authorization:RoleDefinition",
  roleAssignment: "azure-native:authorization:RoleAssignment",
};

let mocks: pulumi.runtime.Mocks;

async function setup(options: EkmMocksOptions = {}): Promise<void> {
  mocks = ekmMocks(options);
  await pulumi.runtime.setMocks(mocks, "onboarding", "test", false);
}

async function build(name: string, args: ByokKeyArgs, opts?: pulumi.ComponentResourceOptions): Promise<ByokKey> {
  const key = new ByokKey(name, args, opts);
  await outputValue(key.byokConfig);
  await waitForRegistrations();
  return key;
}


describe("azure.ByokKey", () => {
  beforeEach(() => setup());

  it("creates a resource group, a vault, a key, a custom role and its assignment, each a child of the component with the caller's providers", async () => {
    const provider = new AzureProvider("azure-eu", { location: "westeurope" });
    await build("corp", { platformPrincipalId: PRINCIPAL }, { providers: { "azure-native": provider } });
    const graph = recorded(mocks)
      .all.map((r) => ({ type: r.type, name: r.name, parentType: r.parentType, provider: r.providerName }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(graph).to.deep.equal([
      { type: "pulumi:providers:azure-native", name: "azure-eu", parentType: undefined, provider: undefined },
      { type: "ekm:azure:ByokKey", name: "corp", parentType: undefined, provider: undefined },
      { type: T.roleAssignment, name: "corp-assignment", parentType: "ekm:azure:ByokKey", provider: "azure-eu" },
      { type: T.key, name: "corp-key", parentType: "ekm:azure:ByokKey", provider: "azure-eu" },
      { type: T.rg, name: "corp-rg", parentType: "ekm:azure:ByokKey", provider: "azure-eu" },
      { type: T.roleDefinition, name: "corp-role", parentType: "ekm:azure:ByokKey", provider: "azure-eu" },
      { type: T.vault, name: "corp-vault", parentType: "ekm:azure:ByokKey", provider: "azure-eu" },
    ]);
    // The tenant comes from the deploying credentials, through the caller's provider.
    expect(recorded(mocks).calls.map((c) => [c.token, c.provider?.split("::")[3]])).to.deep.equal([["azure-native:authorization:getClientConfig", "azure-eu"]]);
  });

  it("creates the vault with RBAC authorization, soft delete, purge protection and the standard sku", async () => {
    await build("corp", { platformPrincipalId: PRINCIPAL });
    const rg = recorded(mocks).find(T.rg, "corp-rg");
    expect(recorded(mocks).find(T.vault, "corp-vault").inputs).to.deep.equal({
      resourceGroupName: rg.state.name,
      location: "westeurope",
      properties: {
        tenantId: TENANT,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        enablePurgeProtection: true,
        softDeleteRetentionInDays: 90,
        // azure-native's own defaults, sent as they are.
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
        publicNetworkAccess: "enabled",
      },
    });
  });

  it("creates an RSA 3072 key with wrapKey, unwrapKey, encrypt and decrypt, rotated after P90D and expiring after P1Y", async () => {
    await build("corp", { platformPrincipalId: PRINCIPAL });
    expect(recorded(mocks).find(T.key, "corp-key").inputs).to.deep.equal({
      resourceGroupName: recorded(mocks).find(T.rg, "corp-rg").state.name,
      vaultName: recorded(mocks).find(T.vault, "corp-vault").state.name,
      properties: {
        kty: "RSA",
        keySize: 3072,
        keyOps: ["wrapKey", "unwrapKey", "encrypt", "decrypt"],
        rotationPolicy: {
          lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } }],
          attributes: { expiryTime: "P1Y" },
        },
      },
    });
  });

  it("defines a custom role with exactly the seed's five data actions and no control-plane action, assignable in the vault's resource group", async () => {
    await build("corp", { platformPrincipalId: PRINCIPAL });
    const rgName = recorded(mocks).find(T.rg, "corp-rg").state.name as string;
    const vaultName = recorded(mocks).find(T.vault, "corp-vault").state.name as string;
    const keyName = recorded(mocks).find(T.key, "corp-key").state.name as string;
    const rgId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rgName}`;
    expect(recorded(mocks).find(T.roleDefinition, "corp-role").inputs).to.deep.equal({
      scope: rgId,
      roleName: `pulumi-ekm BYOK key user ${vaultName}/${keyName}`,
      description: `Lets the platform read Key Vault key ${vaultName}/${keyName} and wrap, unwrap, encrypt and decrypt with it (pulumi-ekm).`,
      roleType: "CustomRole",
      permissions: [{ actions: [], notActions: [], dataActions: DOCUMENTED_DATA_ACTIONS, notDataActions: [] }],
      assignableScopes: [rgId],
    });
  });

  it("assigns the custom role on the key only, to the platform's service principal, with principalType ServicePrincipal", async () => {
    await build("corp", { platformPrincipalId: PRINCIPAL });
    const definition = recorded(mocks).find(T.roleDefinition, "corp-role");
    const key = recorded(mocks).find(T.key, "corp-key");
    expect(recorded(mocks).byType(T.roleAssignment).map((a) => a.inputs)).to.deep.equal([
      {
        principalId: PRINCIPAL,
        principalType: "ServicePrincipal",
        roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${definition.state.name}`,
        scope: key.id,
        description: "pulumi-ekm: the platform uses this BYOK key (custom least-privilege role)",
      },
    ]);
    expect(key.id).to.match(new RegExp(`^/subscriptions/${SUBSCRIPTION}/resourceGroups/[^/]+/providers/Microsoft\\.KeyVault/vaults/[^/]+/keys/[^/]+$`));
  });

  it('assigns Key Vault Crypto Service Encryption User and Key Vault Crypto User on the key when roleStrategy is "builtin"', async () => {
    await build("corp", { platformPrincipalId: PRINCIPAL, roleStrategy: "builtin" });
    const scope = recorded(mocks).find(T.key, "corp-key").id;
    expect(recorded(mocks).byType(T.roleDefinition)).to.deep.equal([]);
    expect(
      recorded(mocks)
        .byType(T.roleAssignment)
        .map((a) => ({ name: a.name, inputs: a.inputs }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    ).to.deep.equal([
      {
        name: "corp-crypto-service-encryption-user",
        inputs: {
          principalId: PRINCIPAL,
          principalType: "ServicePrincipal",
          roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6`,
          scope,
          description: "pulumi-ekm: the platform uses this BYOK key (Key Vault Crypto Service Encryption User)",
        },
      },
      {
        name: "corp-crypto-user",
        inputs: {
          principalId: PRINCIPAL,
          principalType: "ServicePrincipal",
          roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/12338af0-0e69-4776-bea7-57ae8d297424`,
          scope,
          description: "pulumi-ekm: the platform uses this BYOK key (Key Vault Crypto User)",
        },
      },
    ]);
  });

  it('grants only read, wrap and unwrap, and allows only wrapKey and unwrapKey, when permissionSet is "wrap-unwrap"', async () => {
    await build("corp", { platformPrincipalId: PRINCIPAL, permissionSet: "wrap-unwrap" });
    expect((recorded(mocks).find(T.key, "corp-key").inputs.properties as { keyOps: string[] }).keyOps).to.deep.equal(["wrapKey", "unwrapKey"]);
    const [permission] = recorded(mocks).find(T.roleDefinition, "corp-role").inputs.permissions as { dataActions: string[] }[];
    expect(permission.dataActions).to.deep.equal(DOCUMENTED_DATA_ACTIONS.slice(0, 3));
  });

  it('assigns only Key Vault Crypto Service Encryption User when roleStrategy is "builtin" and permissionSet is "wrap-unwrap"', async () => {
    await build("corp", { platformPrincipalId: PRINCIPAL, roleStrategy: "builtin", permissionSet: "wrap-unwrap" });
    expect(recorded(mocks).byType(T.roleAssignment).map((a) => (a.inputs.roleDefinitionId as string).split("/").pop())).to.deep.equal(["e147488a-f6f5-4113-8e2d-b22465e65bf6"]);
  });

  it("returns the outputs, and a versionless byokConfig that parses with the sdk's AzureKeyReference and PutByokRequest", async () => {
    const key = await build("corp", { platformPrincipalId: PRINCIPAL });
    const vaultName = recorded(mocks).find(T.vault, "corp-vault").state.name as string;
    const keyName = recorded(mocks).find(T.key, "corp-key").state.name as string;
    const vaultUrl = await outputValue(key.vaultUrl);
    expect(vaultUrl).to.equal(`https://${vaultName}.vault.azure.net/`);
    expect(vaultUrlProblem(vaultUrl)).to.equal(undefined);
    expect(await outputValue(key.vaultId)).to.equal(recorded(mocks).find(T.vault, "corp-vault").id);
    expect(await outputValue(key.keyName)).to.equal(keyName);
    expect(await outputValue(key.keyId)).to.equal(`https://${vaultName}.vault.azure.net/keys/${keyName}`);
    expect(await outputValue(key.keyVersion)).to.match(/^[0-9a-f]{32}$/);
    expect(await outputValue(key.tenantId)).to.equal(TENANT);
    const config = await outputValue(key.byokConfig);
    expect(config).to.deep.equal({ provider: "azure", azure: { vaultUrl, tenantId: TENANT, keyName } });
    expect(AzureKeyReference.parse(config.azure)).to.deep.equal(config.azure);
    expect(PutByokRequest.safeParse({ ...config, nickname: "Corp", activationDate: "2026-12-01" }).success).to.equal(true);
  });

  it("makes byokConfig wait for the role assignments, so the platform validates a usable key", async () => {
    const key = await build("corp", { platformPrincipalId: PRINCIPAL, roleStrategy: "builtin" });
    const dependencies = await outputDependencies(key.byokConfig);
    for (const assignment of key.roleAssignments) expect(dependencies).to.include(assignment);
  });

  it("uses an existing resource group without creating one", async () => {
    await build("corp", { platformPrincipalId: PRINCIPAL, resourceGroupName: "rg-byok", location: "northeurope" });
    expect(recorded(mocks).byType(T.rg)).to.deep.equal([]);
    const vault = recorded(mocks).find(T.vault, "corp-vault");
    expect([vault.inputs.resourceGroupName, vault.inputs.location]).to.deep.equal(["rg-byok", "northeurope"]);
    expect(recorded(mocks).find(T.roleDefinition, "corp-role").inputs.assignableScopes).to.deep.equal([`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-byok`]);
  });

  it("uses the given tenantId instead of asking the deploying credentials", async () => {
    const tenant = "0d7c1b2a-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
    const key = await build("corp", { platformPrincipalId: PRINCIPAL, tenantId: tenant });
    expect(recorded(mocks).calls).to.deep.equal([]);
    expect((recorded(mocks).find(T.vault, "corp-vault").inputs.properties as { tenantId: string }).tenantId).to.equal(tenant);
    expect((await outputValue(key.byokConfig)).azure.tenantId).to.equal(tenant);
  });

  it("passes the vault and key options through", async () => {
    await build("corp", {
      platformPrincipalId: PRINCIPAL,
      location: "swedencentral",
      vault: { name: "corp-byok-hsm", sku: "premium", softDeleteRetentionInDays: 30, networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "203.0.113.0/24" }] }, tags: { team: "security" } },
      key: { name: "platform-byok", kty: "RSA-HSM", size: 4096, rotateAfter: "P180D", expiresAfter: "P2Y", tags: { team: "security" } },
    });
    expect(recorded(mocks).find(T.rg, "corp-rg").inputs.location).to.equal("swedencentral");
    const vault = recorded(mocks).find(T.vault, "corp-vault").inputs as { vaultName: string; location: string; tags: unknown; properties: Record<string, unknown> };
    expect([vault.vaultName, vault.location, vault.tags]).to.deep.equal(["corp-byok-hsm", "swedencentral", { team: "security" }]);
    expect([vault.properties.sku, vault.properties.softDeleteRetentionInDays, vault.properties.networkAcls]).to.deep.equal([
      { family: "A", name: "premium" },
      30,
      { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "203.0.113.0/24" }] },
    ]);
    const key = recorded(mocks).find(T.key, "corp-key").inputs as { keyName: string; tags: unknown; properties: Record<string, unknown> };
    expect([key.keyName, key.tags, key.properties.kty, key.properties.keySize, key.properties.rotationPolicy]).to.deep.equal([
      "platform-byok",
      { team: "security" },
      "RSA-HSM",
      4096,
      { lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P180D" } }], attributes: { expiryTime: "P2Y" } },
    ]);
  });

  it("uses an existing vault: looks it up, creates no vault, and registers its URL and tenant", async () => {
    const key = await build("corp", { platformPrincipalId: PRINCIPAL, resourceGroupName: "rg-byok", existingVaultName: "contoso-byok" });
    expect(recorded(mocks).byType(T.vault)).to.deep.equal([]);
    expect(recorded(mocks).calls.map((c) => [c.token, c.inputs])).to.deep.equal([["azure-native:keyvault:getVault", { resourceGroupName: "rg-byok", vaultName: "contoso-byok" }]]);
    expect(recorded(mocks).find(T.key, "corp-key").inputs.vaultName).to.equal("contoso-byok");
    const config = await outputValue(key.byokConfig);
    expect(config.azure.vaultUrl).to.equal("https://contoso-byok.vault.azure.net/");
    expect(config.azure.tenantId).to.equal(TENANT);
  });

  const unusable: { when: string; properties: Record<string, unknown>; args?: Partial<ByokKeyArgs>; message: string }[] = [
    {
      when: "it uses access policies instead of RBAC",
      properties: { enableRbacAuthorization: false },
      message:
        'existingVaultName "contoso-byok" uses access policies, not RBAC authorization: enable it with "az keyvault update --name contoso-byok --enable-rbac-authorization true", or let the component create a vault',
    },
    {
      when: "its purge protection is off",
      properties: { enablePurgeProtection: false },
      message:
        'existingVaultName "contoso-byok" has purge protection off: enable it with "az keyvault update --name contoso-byok --enable-purge-protection true" (it cannot be turned off again), or let the component create a vault',
    },
    {
      when: "it is a standard vault and key.kty is RSA-HSM",
      properties: { sku: { family: "A", name: "standard" } },
      args: { key: { kty: "RSA-HSM" } },
      message: 'existingVaultName "contoso-byok" is a standard vault, and key.kty "RSA-HSM" needs a premium vault: use key.kty "RSA", or a premium vault',
    },
    {
      when: "it belongs to another tenant than tenantId",
      properties: {},
      args: { tenantId: "0d7c1b2a-3e4f-4a5b-8c6d-7e8f9a0b1c2d" },
      message: `existingVaultName "contoso-byok" belongs to tenant ${TENANT}, not tenantId "0d7c1b2a-3e4f-4a5b-8c6d-7e8f9a0b1c2d": remove tenantId or pass the vault's tenant`,
    },
  ];
  for (const c of unusable) {
    it(`rejects an existing vault when ${c.when}`, async () => {
      await setup({
        calls: {
          "azure-native:keyvault:getVault": ({ inputs }) => ({
            id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${inputs.vaultName}`,
            name: inputs.vaultName,
            properties: {
              tenantId: TENANT,
              vaultUri: `https://${inputs.vaultName}.vault.azure.net/`,
              sku: { family: "A", name: "premium" },
              enableRbacAuthorization: true,
              enablePurgeProtection: true,
              ...c.properties,
            },
          }),
        },
      });
      const key = new ByokKey("corp", { platformPrincipalId: PRINCIPAL, resourceGroupName: "rg-byok", existingVaultName: "contoso-byok", ...c.args });
      const { error, message } = await outputFailure(key.vaultUrl);
      expect(error).to.be.instanceOf(pulumi.ResourceError);
      expect(message).to.equal(c.message);
    });
  }

  it("throws a ResourceError and creates no child when an argument is invalid", async () => {
    expect(() => new ByokKey("corp", { platformPrincipalId: PRINCIPAL, key: { kty: "RSA-HSM" } }))
      .to.throw(pulumi.ResourceError)
      .with.property("message", 'key.kty "RSA-HSM" needs a premium vault; received vault.sku "standard" (the default): set vault.sku: "premium", or use key.kty: "RSA"');
    await waitForRegistrations();
    expect(recorded(mocks).all.map((r) => r.type)).to.deep.equal(["ekm:azure:ByokKey"]);
  });
});
