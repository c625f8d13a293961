/**
 * `ekm:azure:ByokKey`: the customer side of BYOK on Azure. A Key Vault with purge protection
 * and RBAC authorization (or an existing vault), an RSA key with a rotation policy, and the
 * role assignment(s) that let the platform's service principal use the key. Its `byokConfig`
 * output is the key reference the ByokConfiguration resource registers with the platform.
 *
 * Modules are imported from per-service subpaths of @pulumi/azure-native: loading its root
 * index is slow.
 *
 * - Purge protection (irreversible) and soft delete: https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
 * - RBAC instead of access policies: https://learn.microsoft.com/azure/key-vault/general/rbac-guide
 * - Key rotation policy: https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation
 */
import * as pulumi from "@pulumi/pulumi";
import { AZURE_BYOK_KEY_TYPE } from "../tokens";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as resources from "@pulumi/azure-native/resources";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import type { AzureByokKeyConfig } from "../../sdk/types";
import { quote } from "../../sdk/schemas/formats";
import { builtinRoles, customRoleDefinition, keyOps, parseArmId, roleDefinitionId, type PermissionSet, type RoleStrategy } from "./roles";
import { AZURE_LIMITS, checkedInput, resourceGroupNameCheck, tenantIdCheck, validateByokKeyArgs } from "./validate";

export type { PermissionSet, RoleStrategy } from "./roles";

/** Options of the vault the component creates. All of them conflict with `existingVaultName`. */
export interface AzureVaultOptions {
  /**
   * The vault name: 3–24 letters, digits and hyphens, globally unique. A change forces
   * replacement of the vault, and of the key in it.
   * @default auto-named by azure-native: `<name>-vault` plus 8 characters (so the component name may have at most 10 characters)
   */
  readonly name?: string;
  /**
   * The pricing tier. `"premium"` is required for `key.kty: "RSA-HSM"`. A change updates the vault in place.
   * @default "standard"
   */
  readonly sku?: "standard" | "premium";
  /**
   * Days a deleted vault or key stays recoverable, 7–90. Purge protection is always on, so
   * nothing can be purged before this period ends. Key Vault fixes it when the vault is
   * created: a later change is rejected by Azure.
   * @default 90
   */
  readonly softDeleteRetentionInDays?: number;
  /**
   * Network ACLs of the vault, passed through. The platform must still reach the vault over
   * the network (see components/README.md). A change updates the vault in place.
   * @default none: the vault accepts traffic from all networks (authorization still applies)
   */
  readonly networkAcls?: pulumi.Input<azureInputs.keyvault.NetworkRuleSetArgs>;
  /**
   * Tags of the vault. A change updates the vault in place.
   * @default no tags
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Options of the key the component creates. */
export interface AzureKeyOptions {
  /**
   * The key name: 1–127 letters, digits and hyphens. A change forces replacement of the key:
   * register the new key with the platform before the old one goes away.
   * @default auto-named by azure-native from `<name>-key`
   */
  readonly name?: string;
  /**
   * The key type. `"RSA-HSM"` needs `vault.sku: "premium"`. A change forces replacement of the key.
   * @default "RSA"
   */
  readonly kty?: "RSA" | "RSA-HSM";
  /**
   * The RSA key size in bits. A change forces replacement of the key.
   * @default 3072
   */
  readonly size?: 2048 | 3072 | 4096;
  /**
   * ISO-8601 duration after creation when Key Vault rotates the key (creates a new version),
   * at least P7D and at least 7 days before `expiresAfter`. A change updates the rotation policy in place.
   * @default "P90D" (the platform rotates its own keys every 90 days)
   */
  readonly rotateAfter?: string;
  /**
   * ISO-8601 expiry of each new key version, at least P28D. An expired version still unwraps,
   * but no longer wraps. A change updates the rotation policy in place.
   * @default "P1Y"
   */
  readonly expiresAfter?: string;
  /**
   * Tags of the key. A change updates the key in place.
   * @default no tags
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Arguments of `ekm:azure:ByokKey`. */
export interface ByokKeyArgs {
  /**
   * An existing resource group for the vault (and the custom role's assignable scope).
   * A change forces replacement of the vault.
   * @default a new resource group, auto-named from `<name>-rg`
   */
  readonly resourceGroupName?: pulumi.Input<string>;
  /**
   * The Azure region of the created resource group and vault, e.g. `westeurope`. A change forces replacement.
   * @default the created resource group's location, else the provider's `azure-native:location`
   */
  readonly location?: pulumi.Input<string>;
  /**
   * The Microsoft Entra tenant of the vault: the tenant ID the platform authenticates to.
   * A change forces replacement of the vault.
   * @default the tenant of the deploying credentials (`getClientConfig`), or the existing vault's tenant
   */
  readonly tenantId?: pulumi.Input<string>;
  /**
   * Options of the vault the component creates. Purge protection and RBAC authorization are
   * always on. Each option says what a change replaces.
   * @default a standard vault with 90-day soft-delete retention
   */
  readonly vault?: AzureVaultOptions;
  /**
   * Use this existing vault in `resourceGroupName` instead of creating one. It must have RBAC
   * authorization and purge protection on (checked at deployment). Conflicts with every `vault`
   * option. Switching between an existing and a created vault replaces the key.
   * @default none: a vault is created
   */
  readonly existingVaultName?: string;
  /**
   * Options of the key. Each option says what a change replaces.
   * @default RSA 3072, rotated every 90 days, versions expiring after a year
   */
  readonly key?: AzureKeyOptions;
  /**
   * Object id of the platform application's service principal in your tenant. The trust
   * endpoint (`GET /v1/accounts/{accountId}/key-management/trust`) returns the application id;
   * create the service principal once with `az ad sp create --id <applicationId>` and pass its
   * `id`. A change replaces the role assignments.
   * @default none: required
   */
  readonly platformPrincipalId: pulumi.Input<string>;
  /**
   * `"least-privilege"`: a custom role with exactly the data actions of `permissionSet`,
   * assigned on the key. `"builtin"`: Key Vault Crypto Service Encryption User, plus Key Vault
   * Crypto User for the documented set, assigned on the key. A change replaces the role assignments.
   * @default "least-privilege"
   */
  readonly roleStrategy?: RoleStrategy;
  /**
   * `"documented"`: the five documented data actions (read, wrap, unwrap, encrypt, decrypt) and key
   * ops wrapKey, unwrapKey, encrypt, decrypt. `"wrap-unwrap"`: read, wrap and unwrap only, which
   * is all the platform uses. A change updates the key ops and the role in place.
   * @default "documented"
   */
  readonly permissionSet?: PermissionSet;
}

/**
 * The customer side of BYOK on Azure: a Key Vault (or an existing one), an RSA key with a
 * rotation policy, and the role assignment(s) for the platform's service principal.
 */
export class ByokKey extends pulumi.ComponentResource {
  /** The type token of this component. */
  static readonly __pulumiType = AZURE_BYOK_KEY_TYPE;

  /** The vault URL, e.g. `https://contoso-byok.vault.azure.net/`. */
  readonly vaultUrl: pulumi.Output<string>;
  /** ARM id of the vault. */
  readonly vaultId: pulumi.Output<string>;
  /** The key name. */
  readonly keyName: pulumi.Output<string>;
  /** The versionless key id (`<vaultUrl>keys/<name>`), which follows rotation. */
  readonly keyId: pulumi.Output<string>;
  /** The current key version (32 hex characters). */
  readonly keyVersion: pulumi.Output<string>;
  /** The tenant of the vault. */
  readonly tenantId: pulumi.Output<string>;
  /** The input of the ByokConfiguration resource: `{provider: "azure", azure: {vaultUrl, tenantId, keyName}}`, versionless. Resolves once the role assignments exist. */
  readonly byokConfig: pulumi.Output<AzureByokKeyConfig>;

  /** The resource group, unless `resourceGroupName` was given. */
  readonly resourceGroup?: resources.ResourceGroup;
  /** The vault, unless `existingVaultName` was given. */
  readonly vault?: keyvault.Vault;
  /** The key. */
  readonly key: keyvault.Key;
  /** The custom role, with `roleStrategy: "least-privilege"`. */
  readonly roleDefinition?: authorization.RoleDefinition;
  /** The role assignments on the key. */
  readonly roleAssignments: authorization.RoleAssignment[];

  constructor(name: string, args: ByokKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    // The arguments are the component's inputs, so the policy pack (pulumi-ekm/policy) judges them before deploy.
    super(ByokKey.__pulumiType, name, args, opts);
    validateByokKeyArgs(args, this, name);

    const permissionSet: PermissionSet = args.permissionSet ?? "documented";
    const strategy: RoleStrategy = args.roleStrategy ?? "least-privilege";
    const vaultOptions = args.vault ?? {};
    const keyOptions = args.key ?? {};
    const kty = keyOptions.kty ?? "RSA";

    let resourceGroupName: pulumi.Output<string>;
    if (args.resourceGroupName === undefined) {
      this.resourceGroup = new resources.ResourceGroup(`${name}-rg`, { location: args.location }, { parent: this });
      resourceGroupName = this.resourceGroup.name;
    } else {
      resourceGroupName = checkedInput(args.resourceGroupName, "resourceGroupName", resourceGroupNameCheck, this);
    }
    const givenTenant = args.tenantId === undefined ? undefined : checkedInput(args.tenantId, "tenantId", tenantIdCheck, this);

    let vaultId: pulumi.Output<string>;
    let vaultName: pulumi.Output<string>;
    let vaultUrl: pulumi.Output<string>;
    let tenantId: pulumi.Output<string>;
    if (args.existingVaultName === undefined) {
      tenantId = givenTenant ?? authorization.getClientConfigOutput({ parent: this }).tenantId;
      this.vault = new keyvault.Vault(
        `${name}-vault`,
        {
          resourceGroupName,
          location: args.location ?? this.resourceGroup?.location,
          vaultName: vaultOptions.name,
          properties: {
            tenantId,
            sku: { family: "A", name: vaultOptions.sku ?? "standard" },
            enableRbacAuthorization: true,
            enableSoftDelete: true,
            // Purge protection can never be turned off again; the platform's data depends on the key.
            enablePurgeProtection: true,
            softDeleteRetentionInDays: vaultOptions.softDeleteRetentionInDays ?? AZURE_LIMITS.softDeleteRetentionInDays.default,
            networkAcls: vaultOptions.networkAcls,
          },
          tags: vaultOptions.tags,
        },
        { parent: this },
      );
      vaultId = this.vault.id;
      vaultName = this.vault.name;
      vaultUrl = this.vault.properties.vaultUri;
    } else {
      const existingName = args.existingVaultName;
      const found = keyvault.getVaultOutput({ resourceGroupName, vaultName: existingName }, { parent: this });
      const checked = pulumi.all([found, givenTenant]).apply(([v, tenant]) => {
        const problem = existingVaultProblem(existingName, v.properties, kty, tenant);
        if (problem !== undefined) throw new pulumi.ResourceError(problem, this, true);
        return v;
      });
      vaultId = checked.id;
      vaultName = checked.name;
      vaultUrl = checked.properties.vaultUri;
      tenantId = checked.properties.tenantId;
    }

    this.key = new keyvault.Key(
      `${name}-key`,
      {
        resourceGroupName,
        vaultName,
        keyName: keyOptions.name,
        properties: {
          kty,
          keySize: keyOptions.size ?? AZURE_LIMITS.keySize,
          keyOps: keyOps(permissionSet),
          rotationPolicy: rotationPolicy(keyOptions.rotateAfter ?? AZURE_LIMITS.rotateAfter, keyOptions.expiresAfter ?? AZURE_LIMITS.expiresAfter),
        },
        tags: keyOptions.tags,
      },
      { parent: this },
    );

    const arm = vaultId.apply(parseArmId);
    const principalId = pulumi.output(args.platformPrincipalId);
    const assignment = (suffix: string, definitionId: pulumi.Input<string>, description: pulumi.Input<string>) =>
      new authorization.RoleAssignment(
        `${name}-${suffix}`,
        { principalId, principalType: "ServicePrincipal", roleDefinitionId: definitionId, scope: this.key.id, description },
        { parent: this },
      );
    if (strategy === "least-privilege") {
      const definition = pulumi.all([vaultName, this.key.name, arm]).apply(([v, k, a]) => customRoleDefinition(permissionSet, v, k, a.resourceGroupId));
      this.roleDefinition = new authorization.RoleDefinition(
        `${name}-role`,
        {
          scope: arm.resourceGroupId,
          roleName: definition.roleName,
          description: definition.description,
          roleType: definition.roleType,
          permissions: definition.permissions,
          assignableScopes: definition.assignableScopes,
        },
        { parent: this },
      );
      const definitionId = pulumi.all([arm, this.roleDefinition.name]).apply(([a, guid]) => roleDefinitionId(a.subscriptionId, guid));
      this.roleAssignments = [assignment("assignment", definitionId, "pulumi-ekm: the platform uses this BYOK key (custom least-privilege role)")];
    } else {
      this.roleAssignments = builtinRoles(permissionSet).map((role) =>
        assignment(
          role.name.replace(/^Key Vault /, "").toLowerCase().replace(/ /g, "-"),
          arm.apply((a) => roleDefinitionId(a.subscriptionId, role.id)),
          `pulumi-ekm: the platform uses this BYOK key (${role.name})`,
        ),
      );
    }

    this.vaultUrl = vaultUrl;
    this.vaultId = vaultId;
    this.keyName = this.key.name;
    this.keyId = this.key.keyUri;
    this.keyVersion = this.key.keyUriWithVersion.apply(keyVersionOf);
    this.tenantId = tenantId;
    // The role assignments are dependencies only: the platform must not validate before it may use the key.
    this.byokConfig = pulumi
      .all([vaultUrl, tenantId, this.key.name, ...this.roleAssignments.map((a) => a.id)])
      .apply(([url, tenant, keyName]): AzureByokKeyConfig => ({ provider: "azure", azure: { vaultUrl: url, tenantId: tenant, keyName } }));

    this.registerOutputs({
      vaultUrl: this.vaultUrl,
      vaultId: this.vaultId,
      keyName: this.keyName,
      keyId: this.keyId,
      keyVersion: this.keyVersion,
      tenantId: this.tenantId,
      byokConfig: this.byokConfig,
    });
  }
}

/** The key's rotation policy: rotate `rotateAfter` after creation; new versions expire after `expiresAfter`. */
export function rotationPolicy(rotateAfter: string, expiresAfter: string): azureInputs.keyvault.RotationPolicyArgs {
  return {
    lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: rotateAfter } }],
    attributes: { expiryTime: expiresAfter },
  };
}

/** The version segment of a versioned key id `https://<vault>/keys/<name>/<version>`. */
export function keyVersionOf(keyUriWithVersion: string): string {
  return keyUriWithVersion.slice(keyUriWithVersion.lastIndexOf("/") + 1);
}

/** Why an existing vault cannot hold the BYOK key, or undefined when it can. */
export function existingVaultProblem(
  vaultName: string,
  properties: { enableRbacAuthorization?: boolean; enablePurgeProtection?: boolean; sku?: { name?: string }; tenantId?: string },
  kty: string,
  tenantId: string | undefined,
): string | undefined {
  const arg = `existingVaultName ${quote(vaultName)}`;
  if (properties.enableRbacAuthorization !== true) {
    return `${arg} uses access policies, not RBAC authorization: enable it with "az keyvault update --name ${vaultName} --enable-rbac-authorization true", or let the component create a vault`;
  }
  if (properties.enablePurgeProtection !== true) {
    return `${arg} has purge protection off: enable it with "az keyvault update --name ${vaultName} --enable-purge-protection true" (it cannot be turned off again), or let the component create a vault`;
  }
  if (kty === "RSA-HSM" && properties.sku?.name?.toLowerCase() !== "premium") {
    return `${arg} is a ${properties.sku?.name ?? "standard"} vault, and key.kty "RSA-HSM" needs a premium vault: use key.kty "RSA", or a premium vault`;
  }
  if (tenantId !== undefined && properties.tenantId !== undefined && properties.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
    return `${arg} belongs to tenant ${properties.tenantId}, not tenantId ${quote(tenantId)}: remove tenantId or pass the vault's tenant`;
  }
  return undefined;
}
