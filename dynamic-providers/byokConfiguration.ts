/**
 * `ByokConfiguration`: an account's BYOK configuration on the platform, as a Pulumi resource.
 *
 * Registering validates the key with a real round trip (AWS: AssumeRole, DescribeKey,
 * GenerateDataKey, Decrypt; Azure: read, wrapKey, unwrapKey) before anything is stored; `check`
 * dry-runs the same validation during preview. Deleting the resource reverts the account to
 * platform-managed keys, re-wrapping every data key, and returns once that is done.
 *
 * The resource id is the account id: one configuration per account. Pulumi's `import` and
 * `.get()` do not work for dynamic resources, so an existing configuration is adopted by
 * creating the resource: an identical one is adopted as it is, a different one only with
 * `adoptExisting: true` (which replaces it).
 *
 * Credentials: the platform URL and token come from stack config `ekm:platformUrl` and secret
 * `ekm:apiToken`, or from `EKM_PLATFORM_URL` / `EKM_API_TOKEN`, read by the provider when it
 * runs. They are never inputs, so they never reach the resource's state.
 *
 * Type token: `BYOK_CONFIGURATION_TYPE` (`./token.ts`), `pulumi-nodejs:dynamic/ekm:ByokConfiguration`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ByokKeyConfig, ByokStatus, EffectiveKeySource, Fallback, Validation } from "../sdk/types";
import { PREVIEW_INPUT } from "./check";
import { byokConfigurationProvider } from "./provider";
import { BYOK_CONFIGURATION_MODULE, BYOK_CONFIGURATION_NAME } from "./token";
import type { ByokKeyConfigInput } from "./types";


/** The arguments of a ByokConfiguration. */
export interface ByokConfigurationArgs {
  /**
   * The platform account whose content the key protects (`acct-…`). The resource id is this
   * account id. A change forces replacement: the new account's configuration is created first,
   * then the old account is reverted to platform-managed keys.
   * @default none (required)
   */
  readonly accountId: pulumi.Input<string>;
  /**
   * The key: `{provider: "aws", aws: {keyArn, roleArn}}` or `{provider: "azure", azure: {vaultUrl,
   * tenantId, keyName, keyVersion?}}`, typically a ByokKey component's `byokConfig` output.
   * Another key or role of the same cloud updates in place and is validated again by the
   * platform. Another cloud (`aws` ⇄ `azure`) forces replacement, deleting first: the account is
   * reverted to platform-managed keys, then the new key is registered.
   * @default none (required)
   */
  readonly config: pulumi.Input<ByokKeyConfigInput>;
  /**
   * A label for the key, 1–64 printable characters without leading or trailing white space.
   * A change updates in place.
   * @default none (required)
   */
  readonly nickname: pulumi.Input<string>;
  /**
   * When the platform starts using the key for new content: an ISO-8601 date (`2026-12-01`,
   * midnight UTC) or date-time with a zone (`2026-12-01T09:00:00Z`). Until then, and whenever
   * the key fails, new content uses the platform key. A change updates in place.
   * @default none (required)
   */
  readonly activationDate: pulumi.Input<string>;
  /**
   * Take over an account's existing, different BYOK configuration on create, replacing it with
   * this one. Without it, creating over a different configuration fails and names it; an
   * identical configuration is always adopted as it is. Only used on create: a change alone
   * does nothing.
   * @default false
   */
  readonly adoptExisting?: pulumi.Input<boolean>;
  /**
   * Let `pulumi destroy` (or a replacement) revert the account to platform-managed keys even
   * when the customer key no longer unwraps some of the account's data keys (the key was
   * deleted, disabled, or the role lost access). Those data keys cannot be re-wrapped under the
   * platform key, so the content they protect becomes unreadable for good; the platform records
   * the loss as an event and the provider logs how many data keys and messages were given up.
   * Without it, such a revert fails, names the counts and leaves the configuration in place, so
   * access to the key can be restored first. Set it, run `pulumi up` (an in-place update with no
   * platform call), then destroy.
   * @default false
   */
  readonly forceRevertOnDelete?: pulumi.Input<boolean>;
}

/** An account's BYOK configuration on the platform. */
export class ByokConfiguration extends pulumi.dynamic.Resource {
  /** The platform account id (also the resource id). */
  declare readonly accountId: pulumi.Output<string>;
  /** The registered key, as the platform holds it. */
  declare readonly config: pulumi.Output<ByokKeyConfig>;
  /** The key's label, as the platform holds it. */
  declare readonly nickname: pulumi.Output<string>;
  /** The activation date, as the platform holds it. */
  declare readonly activationDate: pulumi.Output<string>;
  /** Whether create may take over a different existing configuration. */
  declare readonly adoptExisting: pulumi.Output<boolean>;
  /** Whether delete reverts even when data keys can no longer be re-wrapped (they become unreadable). */
  declare readonly forceRevertOnDelete: pulumi.Output<boolean>;
  /** `pending-activation`, `active`, `degraded` (the key fails; content falls back), `invalid`, or `reverting` (a DELETE is re-wrapping data keys). */
  declare readonly status: pulumi.Output<ByokStatus>;
  /** Which key protects new content now: `byok`, `platform` (before activation) or `platform-fallback`. */
  declare readonly effectiveKeySource: pulumi.Output<EffectiveKeySource>;
  /** The last validation: phase, time, and each step with its message. */
  declare readonly validation: pulumi.Output<Validation>;
  /** The configuration's etag; updates send it as If-Match so changes made outside Pulumi are not overwritten unseen. */
  declare readonly etag: pulumi.Output<string>;
  /** When the configuration was first registered (ISO-8601). */
  declare readonly createdAt: pulumi.Output<string>;
  /** When the configuration last changed (ISO-8601). */
  declare readonly updatedAt: pulumi.Output<string>;
  /** The account's current platform key version, e.g. `pk-3` (used before activation and on fallback). */
  declare readonly platformKeyVersion: pulumi.Output<string>;
  /**
   * Azure: the exact Key Vault key version that wraps new data keys — the pinned `keyVersion`, or
   * for a versionless key its newest version as the platform last used it (it follows a rotation
   * once cached data keys expire; `pulumi refresh` shows the change). Undefined for AWS.
   */
  declare readonly keyVersionInUse: pulumi.Output<string | undefined>;
  /** Why new content falls back to the platform key, while it does; undefined otherwise. */
  declare readonly fallback: pulumi.Output<Fallback | undefined>;

  /**
   * @param name the resource name.
   * @param args the account, the key and its lifecycle.
   * @param opts resource options.
   */
  constructor(name: string, args: ByokConfigurationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      byokConfigurationProvider,
      name,
      {
        accountId: args.accountId,
        config: args.config,
        nickname: args.nickname,
        activationDate: args.activationDate,
        adoptExisting: args.adoptExisting ?? false,
        forceRevertOnDelete: args.forceRevertOnDelete ?? false,
        // Tells check whether to dry-run the key (only in a preview); never stored (see PREVIEW_INPUT).
        [PREVIEW_INPUT]: pulumi.runtime.isDryRun(),
        // Outputs only: declared so the engine returns them on the resource.
        status: undefined,
        effectiveKeySource: undefined,
        validation: undefined,
        etag: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        platformKeyVersion: undefined,
        keyVersionInUse: undefined,
        fallback: undefined,
      },
      opts,
      BYOK_CONFIGURATION_MODULE,
      BYOK_CONFIGURATION_NAME,
    );
  }
}
