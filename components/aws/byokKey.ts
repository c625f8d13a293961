/**
 * `ekm:aws:ByokKey`: the customer side of BYOK on AWS. A KMS key with rotation, an alias,
 * and an IAM role the platform assumes (with an external ID) to use the key, with a
 * least-privilege policy. Its `byokConfig` output is the key reference the
 * ByokConfiguration resource registers with the platform.
 *
 * Children are created in dependency order: role (trust policy) → key (key policy naming the
 * role) → alias, and the role policy (on the key ARN). `byokConfig` depends on the role
 * policy, so the platform validates the key only after the role may use it.
 */
import * as pulumi from "@pulumi/pulumi";
import { AWS_BYOK_KEY_TYPE } from "../tokens";
import * as aws from "@pulumi/aws";
import type { AwsByokKeyConfig, TrustResponse } from "../../sdk/types";
import { PlatformClient } from "../../sdk/client/platformClient";
import { withUrlDiagnosis } from "../../sdk/client/wrongUrl";
import { PLATFORM_TRUST_CALL, underMocks } from "../mocked";
import { resolvePlatformConnection, type PlatformConnection } from "../platformConnection";
import { DOCUMENTED_POLICY_WARNING, ROLE_POLICY_NAME, keyPolicy, rolePolicy, trustPolicy, type AwsTrust, type PolicyMode } from "./policies";
import { AWS_LIMITS, accountIdCheck, checkedInput, externalIdCheck, keyArnCheck, principalArnCheck, problemMessage, validateByokKeyArgs } from "./validate";

export type { AwsTrust, PolicyMode } from "./policies";

/** Options of the KMS key the component creates. All of them conflict with `keyArn`. */
export interface AwsKeyOptions {
  /**
   * The alias, `alias/<name>`. A change replaces the alias (the key stays).
   * @default "alias/ekm-byok-<accountId>"
   */
  readonly alias?: string;
  /**
   * The key's description. A change updates the key in place.
   * @default "pulumi-ekm BYOK key for platform account <accountId>"
   */
  readonly description?: string;
  /**
   * Days between automatic rotations, 90–2560. Rotation is always on; KMS rotates in place, so
   * the key ARN the platform holds never changes. A change updates the key in place.
   * @default 90 (the platform rotates its own keys every 90 days)
   */
  readonly rotationPeriodInDays?: number;
  /**
   * Days KMS waits before deleting the key once it is scheduled for deletion, 7–30. Only used
   * when the key is destroyed. A change updates the key in place.
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /**
   * Create a multi-Region primary key (`mrk-` key id). A change forces replacement of the key,
   * which schedules the old key for deletion: content wrapped by it becomes unreadable.
   * @default false
   */
  readonly multiRegion?: boolean;
  /**
   * Tags of the key. A change updates the key in place.
   * @default no tags
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Options of the IAM role the platform assumes. */
export interface AwsRoleOptions {
  /**
   * The role name. Conflicts with `namePrefix`. A change forces replacement of the role (and
   * therefore a new role ARN, which the ByokConfiguration resource revalidates).
   * @default a unique name generated from the resource name `<name>-role`
   */
  readonly name?: string;
  /**
   * A prefix for a generated role name, 1–38 characters. Conflicts with `name`. A change forces replacement of the role.
   * @default none
   */
  readonly namePrefix?: string;
  /**
   * The IAM path of the role, e.g. `/ekm/`. A change forces replacement of the role.
   * @default "/"
   */
  readonly path?: string;
  /**
   * ARN of a managed policy used as the role's permissions boundary. A change updates the role in place.
   * @default none
   */
  readonly permissionsBoundary?: pulumi.Input<string>;
  /**
   * Maximum session duration in seconds, 3600–43200. A change updates the role in place.
   * @default 3600 (1 hour)
   */
  readonly maxSessionDuration?: number;
  /**
   * Tags of the role. A change updates the role in place.
   * @default no tags
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Arguments of `ekm:aws:ByokKey`. */
export interface ByokKeyArgs {
  /**
   * The platform account whose content the key protects, e.g. `acct-3f9a1c2b7d4e5f60`. It is the
   * `kms:EncryptionContext:tenant_id` value the policy requires and names the default alias.
   * A change updates the policies in place and replaces the default alias.
   * @default none: required
   */
  readonly accountId: pulumi.Input<string>;
  /**
   * What the role trusts: the platform principal and this account's external ID. A change
   * updates the role's trust policy in place.
   * @default read from `GET /v1/accounts/{accountId}/key-management/trust`, using stack config
   *   `ekm:platformUrl` and secret `ekm:apiToken`, or the environment variables
   *   `EKM_PLATFORM_URL` and `EKM_API_TOKEN`
   */
  readonly trust?: pulumi.Input<AwsTrust>;
  /**
   * Use this existing KMS key instead of creating one. Its key policy must let IAM policies of
   * its account work (the default root statement). Conflicts with every `key` option. Switching
   * between an existing and a created key replaces the created key.
   * @default none: a key is created
   */
  readonly keyArn?: pulumi.Input<string>;
  /**
   * Options of the key the component creates. Each option says what a change replaces.
   * @default a symmetric key (SYMMETRIC_DEFAULT), rotation every 90 days, 30-day deletion window, single-Region
   */
  readonly key?: AwsKeyOptions;
  /**
   * Options of the role the platform assumes. Each option says what a change replaces.
   * @default a generated name, path "/", 1-hour sessions
   */
  readonly role?: AwsRoleOptions;
  /**
   * The role's permissions. `"least-privilege"`: kms:DescribeKey, and kms:Encrypt, kms:Decrypt
   * and kms:GenerateDataKey only with `kms:EncryptionContext:tenant_id = <accountId>`, on this
   * key only. `"documented"`: the product documentation's policy verbatim, which denies DescribeKey
   * and isolates nothing (a warning says why). A change updates the policies in place.
   * @default "least-privilege"
   */
  readonly policy?: PolicyMode;
}

/**
 * The customer side of BYOK on AWS: a KMS key (or an existing one), an alias, and the IAM role
 * the platform assumes to use the key.
 */
export class ByokKey extends pulumi.ComponentResource {
  /** The type token of this component. */
  static readonly __pulumiType = AWS_BYOK_KEY_TYPE;

  /** ARN of the KMS key. */
  readonly keyArn: pulumi.Output<string>;
  /** Id of the KMS key (a UUID, or `mrk-…` for a multi-Region key). */
  readonly keyId: pulumi.Output<string>;
  /** The alias name, or undefined when an existing key is used. */
  readonly aliasName: pulumi.Output<string | undefined>;
  /** ARN of the role the platform assumes. */
  readonly roleArn: pulumi.Output<string>;
  /** Name of the role the platform assumes. */
  readonly roleName: pulumi.Output<string>;
  /** The role's identity policy, as JSON. */
  readonly policyDocument: pulumi.Output<string>;
  /** The role's trust policy, as JSON. */
  readonly trustPolicyDocument: pulumi.Output<string>;
  /** The key policy, as JSON, or undefined when an existing key is used. */
  readonly keyPolicyDocument: pulumi.Output<string | undefined>;
  /** The input of the ByokConfiguration resource: `{provider: "aws", aws: {keyArn, roleArn}}`. Resolves once the role policy exists. */
  readonly byokConfig: pulumi.Output<AwsByokKeyConfig>;

  /** The KMS key, unless `keyArn` was given. */
  readonly key?: aws.kms.Key;
  /** The alias, unless `keyArn` was given. */
  readonly alias?: aws.kms.Alias;
  /** The role the platform assumes. */
  readonly role: aws.iam.Role;
  /** The role's inline policy. */
  readonly rolePolicy: aws.iam.RolePolicy;

  constructor(name: string, args: ByokKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    // The arguments are the component's inputs, so the policy pack (pulumi-ekm/policy) judges them before deploy.
    super(ByokKey.__pulumiType, name, args, opts);
    validateByokKeyArgs(args, this);

    const mode: PolicyMode = args.policy ?? "least-privilege";
    if (mode === "documented") pulumi.log.warn(DOCUMENTED_POLICY_WARNING, this);
    const accountId = checkedInput(args.accountId, "accountId", accountIdCheck, this);
    const trust = args.trust !== undefined ? checkedTrust(args.trust, "trust", this) : platformTrust(accountId, this);
    const keyOptions = args.key ?? {};
    const roleOptions = args.role ?? {};

    const trustJson = trust.apply((t) => JSON.stringify(trustPolicy(t)));
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: roleOptions.name,
        namePrefix: roleOptions.namePrefix,
        path: roleOptions.path,
        permissionsBoundary: roleOptions.permissionsBoundary,
        maxSessionDuration: roleOptions.maxSessionDuration ?? AWS_LIMITS.maxSessionDuration.default,
        description: pulumi.interpolate`Assumed by the platform, with an external ID, to use the BYOK key of platform account ${accountId}`,
        assumeRolePolicy: trustJson,
        tags: roleOptions.tags,
      },
      { parent: this },
    );

    let keyArn: pulumi.Output<string>;
    let keyId: pulumi.Output<string>;
    let keyPolicyJson: pulumi.Output<string | undefined>;
    let aliasName: pulumi.Output<string | undefined>;
    if (args.keyArn === undefined) {
      // The key policy names the role, so KMS needs the role to exist first: it rejects principals that do not exist
      // (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html#key-policy-elements).
      const keyPolicyOutput = pulumi.all([this.role.arn, accountId]).apply(([roleArn, account]) => JSON.stringify(keyPolicy(mode, roleArn, account)));
      this.key = new aws.kms.Key(
        `${name}-key`,
        {
          description: keyOptions.description ?? pulumi.interpolate`pulumi-ekm BYOK key for platform account ${accountId}`,
          keyUsage: "ENCRYPT_DECRYPT",
          customerMasterKeySpec: "SYMMETRIC_DEFAULT",
          enableKeyRotation: true,
          rotationPeriodInDays: keyOptions.rotationPeriodInDays ?? AWS_LIMITS.rotationPeriodInDays.default,
          deletionWindowInDays: keyOptions.deletionWindowInDays ?? AWS_LIMITS.deletionWindowInDays.default,
          multiRegion: keyOptions.multiRegion ?? false,
          policy: keyPolicyOutput,
          tags: keyOptions.tags,
        },
        { parent: this },
      );
      this.alias = new aws.kms.Alias(
        `${name}-alias`,
        { name: keyOptions.alias ?? pulumi.interpolate`alias/ekm-byok-${accountId}`, targetKeyId: this.key.keyId },
        { parent: this },
      );
      keyArn = this.key.arn;
      keyId = this.key.keyId;
      keyPolicyJson = keyPolicyOutput;
      aliasName = this.alias.name;
    } else {
      keyArn = checkedInput(args.keyArn, "keyArn", keyArnCheck, this);
      keyId = keyArn.apply((arn) => arn.slice(arn.lastIndexOf("/") + 1));
      keyPolicyJson = pulumi.output(undefined);
      aliasName = pulumi.output(undefined);
    }

    const policyJson = pulumi.all([keyArn, accountId]).apply(([arn, account]) => JSON.stringify(rolePolicy(mode, arn, account)));
    this.rolePolicy = new aws.iam.RolePolicy(`${name}-policy`, { role: this.role.id, name: ROLE_POLICY_NAME, policy: policyJson }, { parent: this });

    this.keyArn = keyArn;
    this.keyId = keyId;
    this.aliasName = aliasName;
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
    this.policyDocument = policyJson;
    this.trustPolicyDocument = trustJson;
    this.keyPolicyDocument = keyPolicyJson;
    // rolePolicy.id is a dependency only: the platform must not validate before the role may use the key.
    this.byokConfig = pulumi
      .all([keyArn, this.role.arn, this.rolePolicy.id, this.alias?.id])
      .apply(([k, r]): AwsByokKeyConfig => ({ provider: "aws", aws: { keyArn: k, roleArn: r } }));

    this.registerOutputs({
      keyArn: this.keyArn,
      keyId: this.keyId,
      aliasName: this.aliasName,
      roleArn: this.roleArn,
      roleName: this.roleName,
      policyDocument: this.policyDocument,
      trustPolicyDocument: this.trustPolicyDocument,
      keyPolicyDocument: this.keyPolicyDocument,
      byokConfig: this.byokConfig,
    });
  }
}

/** `trust` as an Output that fails with a ResourceError when a resolved value is invalid. */
function checkedTrust(trust: pulumi.Input<AwsTrust>, argument: string, resource: pulumi.Resource): pulumi.Output<AwsTrust> {
  return pulumi.output(trust).apply((t) => {
    for (const [field, check] of [
      ["principalArn", principalArnCheck],
      ["externalId", externalIdCheck],
    ] as const) {
      const problem = check(t?.[field]);
      if (problem !== undefined) throw new pulumi.ResourceError(problemMessage(`${argument}.${field}`, problem, t?.[field]), resource, true);
    }
    return { principalArn: t.principalArn, externalId: t.externalId };
  });
}

/** Reads the trust of one account; `source` names where it comes from, for messages. */
export interface TrustSource {
  readonly source: string;
  read(accountId: string): Promise<TrustResponse>;
}

/**
 * Where the trust comes from: the mocks under `pulumi.runtime.setMocks` (the function call
 * `ekm:platform:getTrust`; any configured platform URL is ignored, so a unit test never calls the
 * network), else `GET /v1/accounts/{accountId}/key-management/trust` on the configured platform.
 * @throws PlatformConnectionError when not under mocks and the platform URL or token is not set.
 */
export function trustSource(connection?: PlatformConnection): TrustSource {
  if (connection === undefined && underMocks()) {
    return {
      source: `the mocks (function ${PLATFORM_TRUST_CALL})`,
      read: async (accountId) => (await pulumi.runtime.invoke(PLATFORM_TRUST_CALL, { accountId })) as TrustResponse,
    };
  }
  const resolved = connection ?? resolvePlatformConnection();
  const client = withUrlDiagnosis(new PlatformClient({ baseUrl: resolved.baseUrl, token: resolved.token }), resolved.baseUrl);
  return { source: `the platform at ${resolved.baseUrl}`, read: (accountId) => client.getTrust(accountId) };
}

/**
 * Reads the trust from the platform (`GET /v1/accounts/{accountId}/key-management/trust`), or from
 * the mocks in unit tests (see `trustSource`). The platform connection is resolved now, so a
 * missing URL or token fails before any child is created.
 */
export function platformTrust(accountId: pulumi.Input<string>, resource: pulumi.Resource, connection?: PlatformConnection): pulumi.Output<AwsTrust> {
  let trust: TrustSource;
  try {
    trust = trustSource(connection);
  } catch (err) {
    throw new pulumi.ResourceError(
      `trust is not set and the platform cannot be asked for it: ${(err as Error).message}; or pass trust: { principalArn, externalId } from GET /v1/accounts/{accountId}/key-management/trust`,
      resource,
      true,
    );
  }
  const fetched = pulumi.output(accountId).apply(async (id) => {
    let answer;
    try {
      answer = await trust.read(id);
    } catch (err) {
      throw new pulumi.ResourceError(`reading the trust of platform account ${id} from ${trust.source} failed: ${(err as Error).message}`, resource, true);
    }
    if (!answer?.aws) {
      throw new pulumi.ResourceError(
        `${trust.source} has no AWS principal for account ${id} (trust.aws is null): ask the platform operator to configure one, or pass trust: { principalArn, externalId }`,
        resource,
        true,
      );
    }
    return answer.aws;
  });
  return checkedTrust(fetched, "trust (from the platform)", resource);
}
