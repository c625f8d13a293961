/**
 * The declared view: the `ByokConfiguration` resources of a `pulumi stack export` document and
 * the children of the `ByokKey` components that made their keys, matched by cloud id (key ARN,
 * role ARN, vault URL), so a configuration that registers a key made elsewhere in the stack, or
 * outside it, is read the same way.
 *
 * The export format (version 3, `deployment.resources[]` with `urn`, `type`, `outputs`):
 * https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/
 */
import { BYOK_CONFIGURATION_TYPE } from "../dynamic-providers/token";
import { isoDurationDays } from "../sdk/contract/azure";
import { ByokKeyConfig } from "../sdk/schemas/byok";
import type { DeclaredAwsKey, DeclaredAzureKey, DeclaredByok, IamPolicy } from "./model";
import { AuditError } from "./errors";

/** The resource types the reader knows, from the providers' schemas. */
export const DECLARED_TYPES = {
  byokConfiguration: BYOK_CONFIGURATION_TYPE,
  kmsKey: "aws:kms/key:Key",
  iamRole: "aws:iam/role:Role",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  vault: "azure-native:keyvault:Vault",
  vaultKey: "azure-native:keyvault:Key",
} as const;

/** One resource of a stack export, as far as the audit reads it. */
interface ExportedResource {
  readonly urn: string;
  readonly type: string;
  readonly outputs?: Record<string, unknown>;
}

/** The signature Pulumi puts on a secret value in a checkpoint: such a value is not readable here. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

const isSecret = (v: unknown): boolean => typeof v === "object" && v !== null && SECRET_SIG in v;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) && !isSecret(v) ? (v as Record<string, unknown>) : {});

/** A policy output (a JSON string in the AWS provider's state), or undefined when absent, secret or not JSON. */
export function policyOf(v: unknown): IamPolicy | undefined {
  if (typeof v !== "string") return undefined;
  try {
    const p = JSON.parse(v) as IamPolicy;
    return typeof p === "object" && p !== null && "Statement" in p ? p : undefined;
  } catch {
    return undefined;
  }
}

/** The resources of an export document; throws an AuditError naming the source when it is not one. */
export function exportedResources(document: unknown, source: string): ExportedResource[] {
  const deployment = obj(obj(document).deployment);
  const resources = deployment.resources;
  if (obj(document).version === undefined || (resources !== undefined && !Array.isArray(resources))) {
    throw new AuditError(`${source} is not a \`pulumi stack export\` document (no version and deployment.resources)`, `write one with \`pulumi stack export --stack <stack> --file ${source}\`, or pass the stack name with --stack`);
  }
  return ((resources as unknown[] | undefined) ?? []).map(obj).filter((r): r is Record<string, unknown> & ExportedResource => typeof r.urn === "string" && typeof r.type === "string");
}

function declaredAws(resources: readonly ExportedResource[], keyArn: string, roleArn: string): DeclaredAwsKey | undefined {
  const key = resources.find((r) => r.type === DECLARED_TYPES.kmsKey && obj(r.outputs).arn === keyArn);
  const role = resources.find((r) => r.type === DECLARED_TYPES.iamRole && obj(r.outputs).arn === roleArn);
  if (!key && !role) return undefined;
  const roleName = str(obj(role?.outputs).name);
  const k = obj(key?.outputs);
  return {
    key: key && {
      urn: key.urn,
      enableKeyRotation: bool(k.enableKeyRotation),
      rotationPeriodInDays: num(k.rotationPeriodInDays),
      deletionWindowInDays: num(k.deletionWindowInDays),
      isEnabled: bool(k.isEnabled),
      policy: policyOf(k.policy),
    },
    role: role && roleName ? { urn: role.urn, name: roleName, trust: policyOf(obj(role.outputs).assumeRolePolicy) } : undefined,
    rolePolicies: resources
      .filter((r) => r.type === DECLARED_TYPES.iamRolePolicy && roleName !== undefined && obj(r.outputs).role === roleName)
      .map((r) => ({ urn: r.urn, name: str(obj(r.outputs).name) ?? "", policy: policyOf(obj(r.outputs).policy) })),
  };
}

const sameVaultUrl = (a: unknown, b: string) => typeof a === "string" && a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();

function declaredAzure(resources: readonly ExportedResource[], vaultUrl: string, keyName: string): DeclaredAzureKey | undefined {
  const vault = resources.find((r) => r.type === DECLARED_TYPES.vault && sameVaultUrl(obj(obj(r.outputs).properties).vaultUri, vaultUrl));
  const key = resources.find((r) => r.type === DECLARED_TYPES.vaultKey && obj(r.outputs).name === keyName && (!vault || String(obj(r.outputs).id ?? "").startsWith(String(obj(vault.outputs).id ?? "\0"))));
  if (!vault && !key) return undefined;
  const v = obj(obj(vault?.outputs).properties);
  const kp = obj(obj(key?.outputs).properties);
  const rotate = (Array.isArray(obj(kp.rotationPolicy).lifetimeActions) ? (obj(kp.rotationPolicy).lifetimeActions as unknown[]) : []).map(obj).find((a) => String(obj(a.action).type).toLowerCase() === "rotate");
  const after = str(obj(rotate?.trigger).timeAfterCreate);
  return {
    vault: vault && { urn: vault.urn, enablePurgeProtection: bool(v.enablePurgeProtection), enableSoftDelete: bool(v.enableSoftDelete), enableRbacAuthorization: bool(v.enableRbacAuthorization) },
    key: key && { urn: key.urn, keySize: num(kp.keySize), rotates: rotate !== undefined, rotationPeriodDays: after ? isoDurationDays(after) : undefined },
  };
}

/**
 * Every `ByokConfiguration` of one stack export, with its key's declared side. `stack` names the
 * source in findings. A configuration whose outputs are secret or malformed is an AuditError: the
 * audit would otherwise pass it silently.
 */
export function declaredFromExport(document: unknown, stack: string): DeclaredByok[] {
  const resources = exportedResources(document, stack);
  return resources
    .filter((r) => r.type === DECLARED_TYPES.byokConfiguration)
    .map((r) => {
      const o = obj(r.outputs);
      const config = ByokKeyConfig.safeParse(o.config);
      const accountId = str(o.accountId);
      if (!config.success || !accountId || typeof o.nickname !== "string" || typeof o.activationDate !== "string") {
        throw new AuditError(
          `${stack}: ${r.urn} has no readable accountId, config, nickname and activationDate in its outputs (secret or malformed)`,
          "run `pulumi refresh` on the stack, or keep these fields out of `additionalSecretOutputs`",
        );
      }
      const c = config.data;
      return {
        stack,
        urn: r.urn,
        accountId,
        config: c,
        nickname: o.nickname,
        activationDate: o.activationDate,
        aws: c.provider === "aws" ? declaredAws(resources, c.aws.keyArn, c.aws.roleArn) : undefined,
        azure: c.provider === "azure" ? declaredAzure(resources, c.azure.vaultUrl, c.azure.keyName) : undefined,
      };
    });
}
