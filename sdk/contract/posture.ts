/**
 * The posture catalog, written once: every rule `ekm audit` reports and the CrossGuard policy
 * pack enforces, with its stable id, default severity, the control it mirrors and the fix, and
 * the thresholds the rules judge against. Pure data, no cloud SDK: the audit, the policy pack
 * and the docs import it.
 *
 * Ids are stable: a rule is never renamed or reused; a retired rule keeps its id out of use.
 *
 * - AWS Config managed rules: https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html
 * - Azure Policy built-ins for Key Vault: https://learn.microsoft.com/azure/key-vault/policy-reference
 * - CIS AWS Foundations Benchmark controls in Security Hub: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
 */
import { DOCUMENTED_DATA_ACTIONS } from "./azure";

/** How serious a finding is, lowest first (the order `--fail-on` compares in). */
export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
/** How serious a finding is. */
export type Severity = (typeof SEVERITIES)[number];

/** The rank of `severity` in {@link SEVERITIES}: 0 for `info`, 4 for `critical`. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is at or above `threshold`. */
export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

/** The thresholds the posture rules judge against; the policy pack's config can override each. */
export const POSTURE_THRESHOLDS = {
  /** Longest acceptable key rotation period (Azure Policy "Keys should have a rotation policy ensuring that their rotation is scheduled within the specified number of days after creation"; PCI DSS 3.6.4 cryptoperiods). */
  maxRotationPeriodDays: 365,
  /** A key that expires within this many days is flagged (Azure Policy "Keys should have more than the specified number of days before expiration"). */
  expiryWarningDays: 30,
  /** Smallest acceptable RSA key size (Azure Policy "Keys using RSA cryptography should have a specified minimum key size"). */
  minRsaKeySize: 2048,
  /** Shortest acceptable KMS pending-deletion window; 30 is KMS's maximum and the component's default (https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html#deleting-keys-scheduling-key-deletion). */
  minDeletionWindowDays: 30,
  /** An activation date further back than this many days is probably a typo (a wrong year). */
  maxActivationPastDays: 365,
  /** The IAM condition key the role's trust must require (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). */
  externalIdConditionKey: "sts:ExternalId",
  /** The only Key Vault data actions the platform's principal may hold at the key's scope. */
  allowedAzureDataActions: DOCUMENTED_DATA_ACTIONS as readonly string[],
} as const;

/** What a rule compares: the three views (drift), the key's configuration (posture) or the platform's events in the window (history). */
export type RuleCategory = "drift" | "posture" | "history" | "coverage";

/** Where a rule can be judged: by `ekm audit` on deployed state, by the policy pack before deploy, or both. */
export type RuleScope = "audit" | "policy" | "both";

/** The control a rule mirrors in another tool, when one exists. */
export interface RuleSource {
  /** e.g. `AWS Config cmk-backing-key-rotation-enabled`. */
  readonly name: string;
  /** The control's documentation. */
  readonly url: string;
}

/** One rule of the catalog. */
export interface PostureRule {
  /** Stable id, e.g. `posture.aws.key-rotation-off`. */
  readonly id: string;
  /** One line: what is wrong when the rule fires. */
  readonly title: string;
  /** Default severity. */
  readonly severity: Severity;
  readonly category: RuleCategory;
  readonly scope: RuleScope;
  /** The cloud the rule applies to, or `any`. */
  readonly cloud: "aws" | "azure" | "any";
  /** Why it matters, in a sentence or two. */
  readonly description: string;
  /** How to fix it. */
  readonly fix: string;
  /** The controls it mirrors (AWS Config, Azure Policy, CIS), none when no tool has one. */
  readonly sources: readonly RuleSource[];
}

const AWS_CONFIG = "https://docs.aws.amazon.com/config/latest/developerguide";
const AZURE_POLICY = "https://learn.microsoft.com/azure/key-vault/policy-reference";

const rule = <const R extends PostureRule>(r: R): R => r;

/** Every rule, by a short name. The `id` is what reports and policy violations carry. */
export const RULES = {
  // ---- drift: declared (stack state) ≠ platform ≠ live (cloud) ----
  nicknameDrift: rule({
    id: "drift.nickname", title: "The nickname on the platform differs from the declared one", severity: "low", category: "drift", scope: "audit", cloud: "any",
    description: "Someone changed the configuration's nickname out of band; the next `pulumi up` puts the declared one back.",
    fix: "Run `pulumi up` to restore the declared nickname, or declare the platform's value.", sources: [],
  }),
  activationDateDrift: rule({
    id: "drift.activation-date", title: "The activation date on the platform differs from the declared one", severity: "high", category: "drift", scope: "audit", cloud: "any",
    description: "The activation date decides when new content starts using the customer key; a date changed out of band moves that moment.",
    fix: "Run `pulumi up` to restore the declared activation date, or declare the platform's value.", sources: [],
  }),
  keyDrift: rule({
    id: "drift.key", title: "The key or role registered on the platform differs from the declared one", severity: "critical", category: "drift", scope: "audit", cloud: "any",
    description: "New content is protected by a key the stack does not declare.",
    fix: "Run `pulumi up` to register the declared key again, and find out who registered the other one (the platform's events name the change).", sources: [],
  }),
  configurationDeleted: rule({
    id: "drift.configuration-deleted", title: "The declared BYOK configuration is not on the platform", severity: "critical", category: "drift", scope: "audit", cloud: "any",
    description: "The account was reverted to platform-managed keys out of band: new content is not protected by the customer key.",
    fix: "Run `pulumi up` to register the key again.", sources: [],
  }),
  statusDegraded: rule({
    id: "drift.status-degraded", title: "The platform reports the configuration degraded or invalid", severity: "high", category: "drift", scope: "audit", cloud: "any",
    description: "New content falls back to the platform key because the customer key fails.",
    fix: "Read the platform's fallback reason (in the finding's evidence), repair the key or the role's access, and the platform returns to BYOK on its next check.", sources: [],
  }),
  liveDrift: rule({
    id: "drift.live", title: "The live key, role or policy differs from the stack's state", severity: "medium", category: "drift", scope: "audit", cloud: "any",
    description: "The customer's key or its access was changed outside Pulumi; `pulumi refresh` would show the same difference.",
    fix: "Run `pulumi up --refresh` to restore the declared configuration, or declare the live value.", sources: [],
  }),
  liveMissing: rule({
    id: "drift.live-missing", title: "The declared key or role no longer exists", severity: "critical", category: "drift", scope: "audit", cloud: "any",
    description: "The platform cannot use a key or role that is gone; content it protects may become unreadable.",
    fix: "Restore the key (cancel its deletion) or the role, then run `pulumi up --refresh`.", sources: [],
  }),

  // ---- posture: the key and its access ----
  rotationOff: rule({
    id: "posture.key-rotation-off", title: "Automatic key rotation is off", severity: "high", category: "posture", scope: "both", cloud: "any",
    description: "Without automatic rotation the same key material protects every data key for ever.",
    fix: "AWS: `enableKeyRotation: true` (the component's default). Azure: a rotation policy with a `Rotate` action.",
    sources: [
      { name: "AWS Config cmk-backing-key-rotation-enabled", url: `${AWS_CONFIG}/cmk-backing-key-rotation-enabled.html` },
      { name: "CIS AWS Foundations 3.6 (Security Hub KMS.4)", url: "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4" },
      { name: "Azure Policy: Keys should have a rotation policy ensuring that their rotation is scheduled within the specified number of days after creation", url: AZURE_POLICY },
    ],
  }),
  rotationPeriodTooLong: rule({
    id: "posture.key-rotation-period", title: `The key rotates less often than every ${POSTURE_THRESHOLDS.maxRotationPeriodDays} days`, severity: "medium", category: "posture", scope: "both", cloud: "any",
    description: "A long cryptoperiod lets more data depend on one key version.",
    fix: `Set the rotation period to ${POSTURE_THRESHOLDS.maxRotationPeriodDays} days or less (90, the platform's own period, is the component's default).`,
    sources: [{ name: "Azure Policy: Keys should have a rotation policy ensuring that their rotation is scheduled within the specified number of days after creation", url: AZURE_POLICY }],
  }),
  keyPendingDeletion: rule({
    id: "posture.key-pending-deletion", title: "The key is scheduled for deletion", severity: "critical", category: "posture", scope: "audit", cloud: "aws",
    description: "When the window ends the key is gone and every data key it wraps, so all content it protects, is unreadable for good.",
    fix: "`aws kms cancel-key-deletion --key-id <key>` then `aws kms enable-key --key-id <key>`.",
    sources: [{ name: "AWS Config kms-cmk-not-scheduled-for-deletion", url: `${AWS_CONFIG}/kms-cmk-not-scheduled-for-deletion.html` }],
  }),
  keyDisabled: rule({
    id: "posture.key-disabled", title: "The key is disabled", severity: "critical", category: "posture", scope: "audit", cloud: "any",
    description: "The platform cannot wrap or unwrap with a disabled key: new content falls back, older content becomes unreadable once cached data keys expire.",
    fix: "AWS: `aws kms enable-key --key-id <key>`. Azure: set the key version's `enabled` attribute to true.", sources: [],
  }),
  keyExpiring: rule({
    id: "posture.key-expiring", title: `The key expires within ${POSTURE_THRESHOLDS.expiryWarningDays} days (or has expired)`, severity: "high", category: "posture", scope: "audit", cloud: "azure",
    description: "Key Vault refuses wrap with an expired key version.",
    fix: "Rotate the key (a new version gets a new expiry from the rotation policy) or extend the version's `exp`.",
    sources: [{ name: "Azure Policy: Keys should have more than the specified number of days before expiration", url: AZURE_POLICY }],
  }),
  keyNoExpiry: rule({
    id: "posture.key-no-expiry", title: "The key version has no expiration date", severity: "low", category: "posture", scope: "both", cloud: "azure",
    description: "A key without an expiry never has to be rotated.",
    fix: "Give the rotation policy an `expiryTime` (the component's default is one year).",
    sources: [{ name: "Azure Policy: Key Vault keys should have an expiration date", url: AZURE_POLICY }],
  }),
  rsaKeyTooSmall: rule({
    id: "posture.rsa-key-size", title: `The RSA key is smaller than ${POSTURE_THRESHOLDS.minRsaKeySize} bits`, severity: "high", category: "posture", scope: "both", cloud: "azure",
    description: "Short RSA keys do not meet current cryptographic guidance.",
    fix: `Create a key of ${POSTURE_THRESHOLDS.minRsaKeySize} bits or more (the component's default is 3072) and register it.`,
    sources: [{ name: "Azure Policy: Keys using RSA cryptography should have a specified minimum key size", url: AZURE_POLICY }],
  }),
  deletionWindowShort: rule({
    id: "posture.deletion-window", title: `The key's pending-deletion window is shorter than ${POSTURE_THRESHOLDS.minDeletionWindowDays} days`, severity: "low", category: "posture", scope: "policy", cloud: "aws",
    description: "A short window leaves less time to notice and cancel an accidental deletion.",
    fix: `Set \`deletionWindowInDays: ${POSTURE_THRESHOLDS.minDeletionWindowDays}\` (the component's default).`, sources: [],
  }),
  purgeProtectionOff: rule({
    id: "posture.vault-purge-protection-off", title: "The vault has no purge protection (or no soft delete)", severity: "high", category: "posture", scope: "both", cloud: "azure",
    description: "Without purge protection a deleted key can be purged at once, and content it protects is unreadable for good.",
    fix: "Set `enablePurgeProtection: true` and `enableSoftDelete: true` on the vault (purge protection cannot be turned off again).",
    sources: [
      { name: "Azure Policy: Key vaults should have deletion protection enabled", url: AZURE_POLICY },
      { name: "Azure Policy: Key vaults should have soft delete enabled", url: AZURE_POLICY },
    ],
  }),
  vaultRbacOff: rule({
    id: "posture.vault-rbac-off", title: "The vault uses access policies instead of Azure RBAC", severity: "medium", category: "posture", scope: "both", cloud: "azure",
    description: "Access policies grant per vault, not per key, and bypass role assignments' audit and conditions.",
    fix: "Set `enableRbacAuthorization: true` on the vault and grant the platform's role at the key's scope.",
    sources: [{ name: "Azure Policy: Azure Key Vault should use RBAC permission model", url: AZURE_POLICY }],
  }),
  trustWithoutExternalId: rule({
    id: "posture.trust-no-external-id", title: "The role's trust policy does not require the account's sts:ExternalId", severity: "critical", category: "posture", scope: "both", cloud: "aws",
    description: "Without the external ID condition, anyone who can make the platform assume a role could reach this key (the confused-deputy problem).",
    fix: "Add `Condition: { StringEquals: { \"sts:ExternalId\": <externalId from GET …/key-management/trust> } }` to the trust statement (the component does).",
    sources: [{ name: "IAM: the confused deputy problem", url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html" }],
  }),
  trustOtherPrincipal: rule({
    id: "posture.trust-other-principal", title: "The role trusts a principal other than the platform", severity: "critical", category: "posture", scope: "audit", cloud: "aws",
    description: "Another principal can assume the role and use the key with the platform's permissions.",
    fix: "Trust only the platform's principal from GET …/key-management/trust.",
    sources: [{ name: "IAM: roles for third parties", url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html" }],
  }),
  wildcardResource: rule({
    id: "posture.policy-wildcard-resource", title: "The role's policy allows KMS actions on every key", severity: "high", category: "posture", scope: "both", cloud: "aws",
    description: "A `Resource` with a wildcard lets the platform's role use keys other than the registered one.",
    fix: "Scope the statements to the registered key's ARN (`policy: \"least-privilege\"`, the component's default).",
    sources: [{ name: "Security Hub KMS.1 / KMS.2: IAM policies should not allow decryption actions on all KMS keys", url: "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html" }],
  }),
  documentedPolicy: rule({
    id: "posture.documented-policy", title: "The role uses the seed documentation's IAM policy", severity: "high", category: "posture", scope: "both", cloud: "aws",
    description: "Its condition compares the tenant id with the Region name: it gives no tenant isolation, denies DescribeKey, and covers every key in every account.",
    fix: "Use `policy: \"least-privilege\"` (the component's default).", sources: [],
  }),
  excessDataActions: rule({
    id: "posture.azure-excess-data-actions", title: "The platform's principal holds more than the five documented data actions at the key", severity: "high", category: "posture", scope: "audit", cloud: "azure",
    description: "The platform needs read, wrap, unwrap, encrypt and decrypt; anything more (sign, create, delete, purge, a wildcard) widens what it could do with the vault.",
    fix: "Assign only \"Key Vault Crypto Service Encryption User\" (or a custom role with the five data actions) at the key's scope.",
    sources: [{ name: "Azure RBAC: Key Vault data actions", url: "https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault" }],
  }),
  activationDateSanity: rule({
    id: "posture.activation-date", title: `The activation date is more than ${POSTURE_THRESHOLDS.maxActivationPastDays} days in the past`, severity: "low", category: "posture", scope: "policy", cloud: "any",
    description: "A date that far back is usually a typo in the year; the key protects new content as soon as it is registered.",
    fix: "Check the year of `activationDate`.", sources: [],
  }),

  // ---- history: the platform's events in the window ----
  fallbackInWindow: rule({
    id: "history.fallback", title: "New content fell back to the platform key during the window", severity: "high", category: "history", scope: "audit", cloud: "any",
    description: "While in fallback, new content is protected by the platform's key, not the customer's.",
    fix: "Read each fallback's reason in the evidence; repair what failed (key disabled, access removed, KMS unreachable).", sources: [],
  }),
  dataUnreadable: rule({
    id: "history.data-unreadable", title: "Content became unreadable during the window", severity: "critical", category: "history", scope: "audit", cloud: "any",
    description: "A forced revert gave up data keys the customer key no longer unwrapped: that content is lost.",
    fix: "Restore the old key if it still exists in its deletion window; otherwise record the loss.", sources: [],
  }),
  activationOverdue: rule({
    id: "history.activation-overdue", title: "The activation date has passed but the configuration is still pending", severity: "medium", category: "history", scope: "audit", cloud: "any",
    description: "New content should use the customer key by now.",
    fix: "Check the platform's events and status; run `pulumi refresh` to see the platform's view.", sources: [],
  }),

  // ---- coverage: what the audit could not read ----
  notRead: rule({
    id: "coverage.not-read", title: "A value could not be read, so its rules were not judged", severity: "info", category: "coverage", scope: "audit", cloud: "any",
    description: "The audit says what it did not check instead of passing it silently.",
    fix: "Grant the audit's credentials the read permission named in the finding, or accept the gap.", sources: [],
  }),
} as const;

/** The short name of a rule in {@link RULES}. */
export type RuleName = keyof typeof RULES;
/** A stable rule id. */
export type RuleId = (typeof RULES)[RuleName]["id"];

/** Every rule, in catalog order. */
export const RULE_LIST: readonly PostureRule[] = Object.values(RULES);

/** The rule with `id`, or undefined. */
export function ruleById(id: string): PostureRule | undefined {
  return RULE_LIST.find((r) => r.id === id);
}
