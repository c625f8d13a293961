/**
 * The three views an audit compares, and the finding it reports. Plain data: the readers
 * (`declared.ts`, `platformView.ts`, `aws/liveView.ts`, `azure/liveView.ts`) fill the views, the
 * rules (`rules/`) are pure functions from views to findings.
 */
import type { ByokKeyConfig, KeyEvent, KeyManagementState, RuleId, Severity, TrustResponse } from "../sdk";

/** An IAM policy document as AWS returns it (parsed JSON). */
export interface IamPolicy {
  readonly Version?: string;
  readonly Statement: IamStatement | readonly IamStatement[];
}

/** One IAM statement, loosely typed: live documents can hold anything IAM accepts. */
export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: string | Readonly<Record<string, string | readonly string[]>>;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** The declared AWS side, from the `ekm:aws:ByokKey` component's children in the stack state (absent for a key made outside the stack). */
export interface DeclaredAwsKey {
  /** URN and outputs of the `aws:kms/key:Key`. */
  readonly key?: { readonly urn: string; readonly enableKeyRotation?: boolean; readonly rotationPeriodInDays?: number; readonly deletionWindowInDays?: number; readonly isEnabled?: boolean; readonly policy?: IamPolicy };
  /** URN and outputs of the `aws:iam/role:Role`. */
  readonly role?: { readonly urn: string; readonly name: string; readonly trust?: IamPolicy };
  /** The `aws:iam/rolePolicy:RolePolicy` resources on that role. */
  readonly rolePolicies: readonly { readonly urn: string; readonly name: string; readonly policy?: IamPolicy }[];
}

/** The declared Azure side, from the `ekm:azure:ByokKey` component's children in the stack state. */
export interface DeclaredAzureKey {
  readonly vault?: { readonly urn: string; readonly enablePurgeProtection?: boolean; readonly enableSoftDelete?: boolean; readonly enableRbacAuthorization?: boolean };
  readonly key?: { readonly urn: string; readonly keySize?: number; readonly rotates?: boolean; readonly rotationPeriodDays?: number };
}

/** One `ByokConfiguration` resource of a stack: what the stack says the account's BYOK is. */
export interface DeclaredByok {
  /** The stack it comes from (its name, or the export file's path). */
  readonly stack: string;
  readonly urn: string;
  readonly accountId: string;
  readonly config: ByokKeyConfig;
  readonly nickname: string;
  readonly activationDate: string;
  readonly aws?: DeclaredAwsKey;
  readonly azure?: DeclaredAzureKey;
}

/** The platform's view of one account. */
export interface PlatformView {
  readonly state: KeyManagementState;
  readonly trust: TrustResponse;
  /** Events at or after the window's start, oldest first. */
  readonly events: readonly KeyEvent[];
  /** The events just before the window that decide the state at its start (the last fallback or recovery). */
  readonly before: readonly KeyEvent[];
}

/** Something the audit could not read: the rule family it leaves unjudged, and why. */
export interface NotRead {
  /** What was not read, e.g. `iam:GetRole`. */
  readonly what: string;
  readonly reason: string;
}

/** The customer's AWS key and role as AWS answers for them now. */
export interface AwsLiveView {
  readonly provider: "aws";
  /** `kms:DescribeKey`, `kms:GetKeyRotationStatus`, `kms:GetKeyPolicy`; undefined when not found. */
  readonly key?: {
    readonly arn: string;
    readonly keyState: string;
    readonly enabled: boolean;
    readonly deletionDate?: string;
    readonly rotationEnabled?: boolean;
    readonly rotationPeriodDays?: number;
    readonly policy?: IamPolicy;
  };
  /** `iam:GetRole` and `iam:GetRolePolicy`; undefined when not found. */
  readonly role?: { readonly arn: string; readonly name: string; readonly trust: IamPolicy; readonly policies: readonly { readonly name: string; readonly policy: IamPolicy }[] };
  /** Which of key and role AWS said do not exist. */
  readonly missing: readonly ("key" | "role")[];
  readonly notRead: readonly NotRead[];
  /** AWS request id of each call, by action, for the findings' evidence. */
  readonly requestIds: Readonly<Record<string, string>>;
}

/** The customer's Key Vault key as Key Vault answers for it now. */
export interface AzureLiveView {
  readonly provider: "azure";
  readonly key?: {
    readonly id: string;
    readonly enabled: boolean;
    readonly expiresOn?: string;
    readonly notBefore?: string;
    readonly keyType?: string;
    readonly keySize?: number;
    readonly keyOps: readonly string[];
    readonly recoveryLevel?: string;
    /** undefined when the rotation policy could not be read. */
    readonly rotates?: boolean;
    readonly rotationPeriodDays?: number;
  };
  readonly missing: readonly "key"[];
  readonly notRead: readonly NotRead[];
  readonly requestIds: Readonly<Record<string, string>>;
}

/** The customer-key view of either cloud. */
export type LiveView = AwsLiveView | AzureLiveView;

/** Everything known about one account when the rules run. */
export interface AccountEvidence {
  readonly accountId: string;
  /** Every declaration of the account (normally one; two stacks declaring the same account are reported). */
  readonly declared: readonly DeclaredByok[];
  readonly platform: PlatformView;
  /** Absent when the customer-key view is off. */
  readonly live?: LiveView;
  /** Start of the history window (ISO 8601). */
  readonly since: string;
  /** The audit's time (ISO 8601): rules compare dates against it, never against the wall clock. */
  readonly now: string;
}

/** The resource a finding is about. */
export interface FindingResource {
  /** The Pulumi URN, when the stack declares the resource. */
  readonly urn?: string;
  /** The cloud's or the platform's id: key ARN, role ARN, Key Vault key id, or `account/<id>/byok`. */
  readonly cloudId: string;
}

/** One finding. */
export interface Finding {
  readonly ruleId: RuleId;
  readonly severity: Severity;
  readonly accountId: string;
  /** The stack that declares the resource, when one does. */
  readonly stack?: string;
  readonly resource: FindingResource;
  /** One line: what is wrong, with the values. */
  readonly message: string;
  /** The value each side holds; absent when that side does not hold one. */
  readonly declared?: unknown;
  readonly platform?: unknown;
  readonly live?: unknown;
  /** Timestamps, event sequence numbers, request ids. */
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly fix: string;
}
