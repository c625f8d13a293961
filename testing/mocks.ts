/**
 * `ekmMocks()`: `pulumi.runtime.Mocks` that answer like AWS, Azure and the platform would, for
 * every resource the pulumi-ekm components create, the ByokConfiguration resource, and the
 * functions they call. Unexpected function calls throw, naming the token.
 *
 * ```ts
 * const mocks = ekmMocks();
 * await pulumi.runtime.setMocks(mocks, "project", "stack", false);
 * const { ByokKey } = await import("pulumi-ekm/components/aws");
 * const key = new ByokKey("byok", { accountId: "acct-3f9a1c2b7d4e5f60", trust });
 * await outputValue(key.byokConfig);
 * recorded(mocks).find("aws:kms/key:Key", "byok-key");
 * ```
 */
import * as pulumi from "@pulumi/pulumi";
import { activationDateMs, canonicalJson, pendingActivationReason } from "../sdk/schemas";
import type { ByokKeyConfig, ByokStatus, TrustResponse, ValidationCheck } from "../sdk/types";
import { EXAMPLES } from "../sdk/schemas/formats";
import {
  AWS_ACTIONS,
  AWS_VALIDATION_STEPS,
  AZURE_CLOUDS,
  AZURE_VALIDATION_STEPS,
  ENCRYPTION_CONTEXT_KEY,
  KEY_VAULT_OPERATIONS,
  RECOVERY_LEVEL_STEP,
  type AwsValidationStep,
  type AzureValidationStep,
} from "../sdk/contract";
import { BYOK_CONFIGURATION_TYPE } from "../dynamic-providers/token";
import { PLATFORM_TRUST_CALL } from "../components/mocked";
import { checkByokInputs } from "../dynamic-providers/check";
import { engineCheckLines, forEngine } from "../dynamic-providers/failures";
import { trackRegistrations } from "./registrations";
import { fakeDigits, fakeGuid, fakeHex, fakeUpperAlnum } from "./fakes";
import { startRecording } from "./recorded";

/** The fake Azure is the public cloud. */
const PUBLIC_VAULT_SUFFIX = AZURE_CLOUDS[0].keyVaultDnsSuffix;

type MockResourceArgs = pulumi.runtime.MockResourceArgs;
type MockResourceResult = pulumi.runtime.MockResourceResult;
type MockCallArgs = pulumi.runtime.MockCallArgs;
type MockCallResult = pulumi.runtime.MockCallResult;

/** Answers one resource registration. */
export type ResourceMock = (args: MockResourceArgs, context: MockContext) => MockResourceResult | Promise<MockResourceResult>;
/** Answers one function call. */
export type CallMock = (args: MockCallArgs, context: MockContext) => MockCallResult | Promise<MockCallResult>;

/** The fake cloud the mocks pretend to be. */
export interface MockContext {
  readonly aws: { readonly accountId: string; readonly region: string; readonly partition: string };
  readonly azure: { readonly subscriptionId: string; readonly tenantId: string; readonly location: string; readonly clientId: string; readonly objectId: string };
  /** The region of the explicit or inherited AWS provider of a registration, else `aws.region`. */
  awsRegion(provider: string | undefined): string;
  /** The moment used for timestamps. */
  now(): Date;
}

/** Options of `ekmMocks`. */
export interface EkmMocksOptions {
  /** The AWS account the fake AWS answers for. @default account 111122223333, us-east-1, partition aws */
  readonly aws?: { readonly accountId?: string; readonly region?: string; readonly partition?: string };
  /** The Azure subscription and tenant. @default a fixed subscription, tenant 72f988bf-86f1-41af-91ab-2d7cd011db47, westeurope */
  readonly azure?: { readonly subscriptionId?: string; readonly tenantId?: string; readonly location?: string };
  /**
   * What the platform's trust endpoint answers (`GET /v1/accounts/{accountId}/key-management/trust`),
   * which `aws.ByokKey` reads when its `trust` is omitted. Under mocks the components never call
   * the network: a platform URL in the stack config or EKM_PLATFORM_URL is ignored.
   * @default principal arn:aws:iam::999988887777:role/ekm-platform, external id `ekm-<32 hex derived from the account>`, a fixed application id
   */
  readonly trust?: { readonly principalArn?: string; readonly externalId?: string; readonly applicationId?: string };
  /**
   * How the platform reports a registered BYOK configuration.
   * @default every check ok; status and effective key source follow the activation date against `now`: `pending-activation` and `platform-fallback` before it, `active` and `byok` from then on
   */
  readonly byok?: { readonly status?: ByokStatus; readonly effectiveKeySource?: "platform" | "byok" | "platform-fallback"; readonly checks?: readonly ValidationCheck[] };
  /** The clock of timestamps (createDate, validation.checkedAt). @default 2026-01-15T09:30:00Z */
  readonly now?: () => Date;
  /** Extra or replacement resource mocks by type token; they win over the built-in ones. @default none */
  readonly resources?: Readonly<Record<string, ResourceMock>>;
  /** Extra or replacement call mocks by function token; they win over the built-in ones. @default none */
  readonly calls?: Readonly<Record<string, CallMock>>;
  /** What to do with a resource type no mock knows: echo its inputs as its state, or throw. @default "echo" */
  readonly unknownResources?: "echo" | "throw";
}

/** The type token of a dynamic resource that passes no module/type. */
export const DYNAMIC_RESOURCE_TYPE = "pulumi-nodejs:dynamic:Resource";

/**
 * Mocks for unit tests of programs that use the pulumi-ekm components. Every answer is
 * deterministic: the same resource name gives the same ARN, id or key version.
 */
export function ekmMocks(options: EkmMocksOptions = {}): pulumi.runtime.Mocks {
  const providers = new Map<string, Record<string, unknown>>();
  const context: MockContext = {
    aws: { accountId: options.aws?.accountId ?? "111122223333", region: options.aws?.region ?? "us-east-1", partition: options.aws?.partition ?? "aws" },
    azure: {
      subscriptionId: options.azure?.subscriptionId ?? "5f3c1a2b-7d4e-4f60-9a1b-2c3d4e5f6a7b",
      tenantId: options.azure?.tenantId ?? EXAMPLES.tenantId,
      location: options.azure?.location ?? "westeurope",
      clientId: fakeGuid("deployer-client"),
      objectId: fakeGuid("deployer-object"),
    },
    awsRegion(provider) {
      const inputs = provider === undefined ? undefined : providers.get(provider.slice(provider.lastIndexOf("::") + 2));
      return typeof inputs?.region === "string" ? inputs.region : this.aws.region;
    },
    now: options.now ?? (() => new Date("2026-01-15T09:30:00Z")),
  };
  const resourceMocks: Record<string, ResourceMock> = { ...builtinResources(options), ...options.resources };
  const callMocks: Record<string, CallMock> = { ...builtinCalls, [PLATFORM_TRUST_CALL]: trustCall(options), ...options.calls };
  trackRegistrations();
  const mocks: pulumi.runtime.Mocks = {
    async newResource(args) {
      const mock = resourceMocks[args.type] ?? (isByokConfigurationType(args) ? resourceMocks[BYOK_CONFIGURATION_TYPE] : undefined);
      let result: MockResourceResult;
      if (mock) {
        result = await mock(args, context);
      } else if (args.type.startsWith("pulumi:providers:")) {
        const id = fakeGuid(`provider:${args.type}:${args.name}`);
        providers.set(id, args.inputs);
        result = { id, state: args.inputs };
      } else if (options.unknownResources === "throw") {
        throw mockError(`ekmMocks: unexpected resource ${args.type} named ${JSON.stringify(args.name)}: add it with ekmMocks({ resources: { "${args.type}": (args) => ({ id, state }) } })`);
      } else {
        result = { id: args.custom === false ? undefined : `${args.name}-id`, state: args.inputs };
      }
      recording.resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, custom: args.custom !== false, id: result.id, state: result.state });
      return result;
    },
    // Not async: an unexpected call throws at once, also when a test calls the mocks directly.
    call(args) {
      recording.calls.push({ token: args.token, inputs: args.inputs, provider: args.provider });
      const mock = callMocks[args.token];
      if (!mock) {
        throw mockError(
          `ekmMocks: unexpected call to ${args.token} with ${JSON.stringify(args.inputs)}: the pulumi-ekm components do not call it; if your program does, add it with ekmMocks({ calls: { "${args.token}": (args) => ({ … }) } })`,
        );
      }
      return mock(args, context);
    },
  };
  const recording = startRecording(mocks);
  return mocks;
}

/**
 * An Error the SDK reports with its message: it reads a failed RPC's text from the gRPC
 * `details` field, so a plain Error would surface as an empty message.
 */
function mockError(message: string): Error {
  return Object.assign(new Error(message), { details: message });
}

/** True for a dynamic resource that carries a BYOK configuration (pre-module/type dynamic tokens). */
function isByokConfigurationType(args: MockResourceArgs): boolean {
  if (/^pulumi-nodejs:dynamic(\/[^:]+)?:ByokConfiguration$/.test(args.type)) return true;
  return args.type === DYNAMIC_RESOURCE_TYPE && findKeyReference(args.inputs) !== undefined;
}

/** The `{provider, aws|azure}` key reference among a ByokConfiguration's inputs (only its provider is read). */
function findKeyReference(inputs: Record<string, unknown>): Pick<ByokKeyConfig, "provider"> | undefined {
  const isRef = (v: unknown): v is Pick<ByokKeyConfig, "provider"> =>
    typeof v === "object" && v !== null && ((v as { provider?: unknown }).provider === "aws" || (v as { provider?: unknown }).provider === "azure");
  if (isRef(inputs)) return inputs;
  return Object.values(inputs ?? {}).find(isRef);
}

/** The `azure.keyVersion` of a key reference, when it is a string (mocked inputs may be anything). */
function pinnedVersion(reference: object): string | undefined {
  const v = (reference as { azure?: { keyVersion?: unknown } }).azure?.keyVersion;
  return typeof v === "string" ? v.toLowerCase() : undefined;
}

function builtinResources(options: EkmMocksOptions): Record<string, ResourceMock> {
  return {
    "aws:kms/key:Key": ({ name, inputs, provider }, ctx) => {
      const keyId = inputs.multiRegion ? `mrk-${fakeHex(`kms:${name}`, 32)}` : fakeGuid(`kms:${name}`);
      const region = ctx.awsRegion(provider);
      const arn = `arn:${ctx.aws.partition}:kms:${region}:${ctx.aws.accountId}:key/${keyId}`;
      return {
        id: keyId,
        state: {
          ...inputs,
          arn,
          keyId,
          region,
          description: inputs.description ?? "",
          keyUsage: inputs.keyUsage ?? "ENCRYPT_DECRYPT",
          customerMasterKeySpec: inputs.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT",
          enableKeyRotation: inputs.enableKeyRotation ?? false,
          rotationPeriodInDays: inputs.rotationPeriodInDays ?? (inputs.enableKeyRotation ? 365 : 0),
          deletionWindowInDays: inputs.deletionWindowInDays ?? 30,
          multiRegion: inputs.multiRegion ?? false,
          isEnabled: inputs.isEnabled ?? true,
          policy: inputs.policy ?? defaultKeyPolicy(ctx),
          tagsAll: inputs.tags ?? {},
        },
      };
    },
    "aws:kms/alias:Alias": ({ name, inputs, provider }, ctx) => {
      const aliasName = (inputs.name as string | undefined) ?? `${inputs.namePrefix ?? "alias/"}${fakeDigits(`alias:${name}`, 26)}`;
      const region = ctx.awsRegion(provider);
      const prefix = `arn:${ctx.aws.partition}:kms:${region}:${ctx.aws.accountId}`;
      const target = String(inputs.targetKeyId ?? "");
      return {
        id: aliasName,
        state: { ...inputs, name: aliasName, arn: `${prefix}:${aliasName}`, targetKeyArn: target.startsWith("arn:") ? target : `${prefix}:key/${target}`, region },
      };
    },
    "aws:iam/role:Role": ({ name, inputs }, ctx) => {
      const roleName = (inputs.name as string | undefined) ?? (inputs.namePrefix ? `${inputs.namePrefix}${fakeDigits(`role:${name}`, 26)}` : `${name}-${fakeHex(`role:${name}`, 7)}`);
      const path = (inputs.path as string | undefined) ?? "/";
      return {
        id: roleName,
        state: {
          ...inputs,
          name: roleName,
          namePrefix: inputs.namePrefix ?? "",
          path,
          arn: `arn:${ctx.aws.partition}:iam::${ctx.aws.accountId}:role${path}${roleName}`,
          uniqueId: `AROA${fakeUpperAlnum(`role:${name}`, 17)}`,
          createDate: ctx.now().toISOString(),
          maxSessionDuration: inputs.maxSessionDuration ?? 3600,
          managedPolicyArns: [],
          tagsAll: inputs.tags ?? {},
        },
      };
    },
    "aws:iam/rolePolicy:RolePolicy": ({ name, inputs }) => {
      const policyName = (inputs.name as string | undefined) ?? `${name}-${fakeHex(`policy:${name}`, 7)}`;
      return { id: `${inputs.role}:${policyName}`, state: { ...inputs, name: policyName } };
    },
    "azure-native:resources:ResourceGroup": ({ name, inputs }, ctx) => {
      const rg = (inputs.resourceGroupName as string | undefined) ?? autoName(name);
      return {
        id: `/subscriptions/${ctx.azure.subscriptionId}/resourceGroups/${rg}`,
        state: { ...inputs, name: rg, location: inputs.location ?? ctx.azure.location, type: "Microsoft.Resources/resourceGroups", provisioningState: "Succeeded" },
      };
    },
    "azure-native:keyvault:Vault": ({ name, inputs }, ctx) => {
      const vaultName = (inputs.vaultName as string | undefined) ?? autoName(name);
      // The provider checks the name against the API spec's pattern before calling Azure.
      if (!/^[a-zA-Z0-9-]{3,24}$/.test(vaultName)) {
        throw mockError(`azure-native:keyvault:Vault resource '${name}' has a problem: 'vaultName' does not match expression '^[a-zA-Z0-9-]{3,24}$' (got ${JSON.stringify(vaultName)})`);
      }
      const properties = (inputs.properties ?? {}) as Record<string, unknown>;
      return {
        id: `/subscriptions/${ctx.azure.subscriptionId}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${vaultName}`,
        state: {
          ...inputs,
          name: vaultName,
          location: inputs.location ?? ctx.azure.location,
          type: "Microsoft.KeyVault/vaults",
          properties: {
            ...properties,
            vaultUri: `https://${vaultName.toLowerCase()}.${PUBLIC_VAULT_SUFFIX}/`,
            provisioningState: "Succeeded",
            hsmPoolResourceId: "",
            privateEndpointConnections: [],
          },
        },
      };
    },
    "azure-native:keyvault:Key": ({ name, inputs }, ctx) => {
      const keyName = (inputs.keyName as string | undefined) ?? autoName(name);
      const vaultName = String(inputs.vaultName);
      const keyUri = `https://${vaultName.toLowerCase()}.${PUBLIC_VAULT_SUFFIX}/keys/${keyName}`;
      const version = fakeHex(`key:${vaultName}/${keyName}`, 32);
      const properties = (inputs.properties ?? {}) as Record<string, unknown>;
      const created = Math.floor(ctx.now().getTime() / 1000);
      return {
        id: `/subscriptions/${ctx.azure.subscriptionId}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${vaultName}/keys/${keyName}`,
        state: {
          ...inputs,
          ...properties,
          name: keyName,
          type: "Microsoft.KeyVault/vaults/keys",
          keyUri,
          keyUriWithVersion: `${keyUri}/${version}`,
          attributes: { enabled: true, exportable: false, created, updated: created, recoveryLevel: "Recoverable" },
        },
      };
    },
    "azure-native:authorization:RoleDefinition": ({ name, inputs }, ctx) => {
      const guid = (inputs.roleDefinitionId as string | undefined) ?? fakeGuid(`roledef:${name}`);
      return {
        id: `${inputs.scope}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
        state: { ...inputs, name: guid, type: "Microsoft.Authorization/roleDefinitions", createdOn: ctx.now().toISOString() },
      };
    },
    "azure-native:authorization:RoleAssignment": ({ name, inputs }, ctx) => {
      const guid = (inputs.roleAssignmentName as string | undefined) ?? fakeGuid(`assignment:${name}`);
      return {
        id: `${inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${guid}`,
        state: { ...inputs, name: guid, type: "Microsoft.Authorization/roleAssignments", createdOn: ctx.now().toISOString() },
      };
    },
    [BYOK_CONFIGURATION_TYPE]: (args, ctx) => byokConfiguration(args, ctx, options),
  };
}

/** The platform principal the mocked trust endpoint names by default. */
export const MOCK_PLATFORM_PRINCIPAL = "arn:aws:iam::999988887777:role/ekm-platform";

/** The trust endpoint, as the function call the components make under mocks. */
function trustCall(options: EkmMocksOptions): CallMock {
  return ({ inputs }): TrustResponse => {
    const accountId = String(inputs.accountId);
    return {
      accountId,
      aws: { principalArn: options.trust?.principalArn ?? MOCK_PLATFORM_PRINCIPAL, externalId: options.trust?.externalId ?? `ekm-${fakeHex(`external-id:${accountId}`, 32)}` },
      azure: { applicationId: options.trust?.applicationId ?? fakeGuid("platform-application") },
    };
  };
}

/**
 * How the platform reports a registered configuration (PUT .../byok). The inputs are checked
 * first with the provider's own `check` schemas, and a failure rejects the registration with the
 * text `pulumi preview` prints for it.
 */
function byokConfiguration({ type, name, inputs }: MockResourceArgs, ctx: MockContext, options: EkmMocksOptions): MockResourceResult {
  const { failures } = checkByokInputs(inputs);
  // In a mocked preview, values computed by other resources may be missing: the engine skips unknowns too.
  const relevant = pulumi.runtime.isDryRun() ? failures.filter((f) => !f.reason.startsWith("is required")) : failures;
  if (relevant.length > 0) throw mockError(engineCheckLines(type, name, forEngine(relevant, inputs), inputs).join("\n"));
  const reference = findKeyReference(inputs);
  const checkedAt = ctx.now().toISOString();
  const checks = options.byok?.checks ?? (reference?.provider === "azure" ? azureChecks() : awsChecks(String(inputs.accountId ?? "")));
  const ok = checks.every((c) => c.status === "ok");
  const accountId = typeof inputs.accountId === "string" ? inputs.accountId : name;
  const activationDate = typeof inputs.activationDate === "string" ? inputs.activationDate : undefined;
  const pending = activationDate !== undefined && ctx.now().getTime() < activationDateMs(activationDate);
  // The platform's rules (status before fallback before validity), as GET .../key-management reports them.
  const status: ByokStatus = options.byok?.status ?? (pending ? "pending-activation" : ok ? "active" : "invalid");
  const reason = pending ? pendingActivationReason(activationDate) : ok ? undefined : (checks.find((c) => c.status === "failed")?.message ?? "the last validation of the customer key failed");
  return {
    id: accountId,
    state: {
      ...inputs,
      status,
      effectiveKeySource: options.byok?.effectiveKeySource ?? (status === "active" ? "byok" : "platform-fallback"),
      etag: `"${fakeHex(`etag:${name}:${canonicalJson(reference ?? {})}`, 16)}"`,
      validation: { phase: "registration", checkedAt, ok, checks: [...checks] },
      createdAt: checkedAt,
      updatedAt: checkedAt,
      platformKeyVersion: "pk-1",
      // Azure: the version that wraps new data keys (the pinned one, else a stable fake newest version); AWS has none.
      ...(reference?.provider === "azure" ? { keyVersionInUse: pinnedVersion(reference) ?? fakeHex(`key-version:${canonicalJson(reference)}`, 32) } : {}),
      fallback: reason === undefined ? null : { reason, since: checkedAt },
    },
  };
}

const builtinCalls: Record<string, CallMock> = {
  "aws:index/getCallerIdentity:getCallerIdentity": (_args, ctx) => ({
    accountId: ctx.aws.accountId,
    arn: `arn:${ctx.aws.partition}:sts::${ctx.aws.accountId}:assumed-role/pulumi-deployer/session`,
    id: ctx.aws.accountId,
    userId: `AROA${fakeUpperAlnum("deployer", 17)}:session`,
  }),
  "aws:index/getPartition:getPartition": (_args, ctx) => ({
    id: ctx.aws.partition,
    partition: ctx.aws.partition,
    dnsSuffix: ctx.aws.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
    reverseDnsPrefix: ctx.aws.partition === "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws",
  }),
  "aws:index/getRegion:getRegion": (args, ctx) => {
    const region = ctx.awsRegion(args.provider);
    return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
  },
  "azure-native:authorization:getClientConfig": (_args, ctx) => ({
    clientId: ctx.azure.clientId,
    objectId: ctx.azure.objectId,
    subscriptionId: ctx.azure.subscriptionId,
    tenantId: ctx.azure.tenantId,
  }),
  "azure-native:keyvault:getVault": ({ inputs }, ctx) => {
    const vaultName = String(inputs.vaultName);
    return {
      id: `/subscriptions/${ctx.azure.subscriptionId}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${vaultName}`,
      name: vaultName,
      location: ctx.azure.location,
      type: "Microsoft.KeyVault/vaults",
      azureApiVersion: "2024-11-01",
      properties: {
        tenantId: ctx.azure.tenantId,
        sku: { family: "A", name: "premium" },
        vaultUri: `https://${vaultName.toLowerCase()}.${PUBLIC_VAULT_SUFFIX}/`,
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        enablePurgeProtection: true,
        softDeleteRetentionInDays: 90,
        provisioningState: "Succeeded",
        hsmPoolResourceId: "",
        privateEndpointConnections: [],
      },
      systemData: {},
    };
  },
};

/** azure-native's auto-naming: the logical name plus 8 random characters. */
function autoName(name: string): string {
  return `${name}${fakeHex(`autoname:${name}`, 8)}`;
}

/** The default key policy KMS attaches when none is given. */
function defaultKeyPolicy(ctx: MockContext): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Id: "key-default-1",
    Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:${ctx.aws.partition}:iam::${ctx.aws.accountId}:root` }, Action: "kms:*", Resource: "*" }],
  });
}

/** The checks the platform runs for an AWS key (`sdk/contract/validation.ts`): assume the role, describe, then a round trip with the tenant context. */
function awsChecks(accountId: string): ValidationCheck[] {
  const context = `encryption context ${ENCRYPTION_CONTEXT_KEY}=${accountId}`;
  const messages: Record<AwsValidationStep, string> = {
    [AWS_ACTIONS.assumeRole]: "assumed the role with the account's external ID",
    [AWS_ACTIONS.describeKey]: "the key is enabled, symmetric and usable for ENCRYPT_DECRYPT",
    [AWS_ACTIONS.generateDataKey]: `generated a data key with ${context}`,
    [AWS_ACTIONS.decrypt]: `decrypted the data key with ${context}`,
  };
  return AWS_VALIDATION_STEPS.map((name) => ({ name, status: "ok", message: messages[name] }));
}

/** The checks the platform runs for an Azure key: read it, check its recovery level, then wrap and unwrap with RSA-OAEP-256. */
function azureChecks(): ValidationCheck[] {
  const messages: Record<AzureValidationStep, string> = {
    [KEY_VAULT_OPERATIONS.getKey]: "read the key: RSA, enabled, not expired",
    [RECOVERY_LEVEL_STEP]: "soft delete and purge protection are on (recoveryLevel Recoverable)",
    [KEY_VAULT_OPERATIONS.wrapKey]: "wrapped a test key with RSA-OAEP-256",
    [KEY_VAULT_OPERATIONS.unwrapKey]: "unwrapped the test key with RSA-OAEP-256",
  };
  return AZURE_VALIDATION_STEPS.map((name) => ({ name, status: "ok", message: messages[name] }));
}
