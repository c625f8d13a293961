/**
 * The CrossGuard policies of the pack: one `ResourceValidationPolicy` per catalog rule, named by
 * the rule id, so a violation, the audit's finding and the docs carry the same id.
 *
 * Enforcement: `mandatory` (the preview fails) for rules of severity high or critical,
 * `advisory` (printed only) below; each policy's level and thresholds can be changed in a policy
 * config file, and the whole pack's level with `ekmPolicyPack({ enforcementLevel })`.
 * https://www.pulumi.com/docs/iac/using-pulumi/crossguard/core-concepts/
 */
import type { EnforcementLevel, PolicyPackArgs, ResourceValidationPolicy, Severity as PolicySeverity } from "@pulumi/policy";
import { atOrAbove, type Severity } from "../sdk/contract/posture";
import { THRESHOLD_SCHEMAS, thresholds } from "./config";
import { PACK_RULES, type PackRule } from "./rules";
import { plain } from "./values";

/** The enforcement level of a rule when the config sets none. */
export function defaultEnforcement(severity: Severity): EnforcementLevel {
  return atOrAbove(severity, "high") ? "mandatory" : "advisory";
}

/** The catalog's severity as CrossGuard's (which has no `info`). */
export function policySeverity(severity: Severity): PolicySeverity {
  return severity === "info" ? "low" : severity;
}

/** What one violation says: the problem (input, value, fix), then the rule's title and id. */
export function violationMessage(problem: string, rule: PackRule["rule"]): string {
  return `${problem}. ${rule.title} [${rule.id}]`;
}

/** Options of {@link ekmPolicies}. */
export interface EkmPolicyOptions {
  /** The clock dates are judged against. @default the time of each check */
  readonly now?: () => Date;
}

/** The policy of one rule. */
export function policyOf(packRule: PackRule, options: EkmPolicyOptions = {}): ResourceValidationPolicy {
  const { rule, judges } = packRule;
  return {
    name: rule.id,
    description: `${rule.title}. ${rule.description} Fix: ${rule.fix}`,
    severity: policySeverity(rule.severity),
    enforcementLevel: defaultEnforcement(rule.severity),
    configSchema: { properties: Object.fromEntries(packRule.config.map((k) => [k, THRESHOLD_SCHEMAS[k]])) },
    validateResource: (args, reportViolation) => {
      const judge = judges[args.type];
      if (judge === undefined) return;
      const t = thresholds(args.getConfig<Record<string, unknown>>());
      for (const problem of judge(plain(args.props), t, options.now?.() ?? new Date())) reportViolation(violationMessage(problem, rule), args.urn);
    },
  };
}

/** Every policy of the pack. */
export function ekmPolicies(options: EkmPolicyOptions = {}): ResourceValidationPolicy[] {
  return PACK_RULES.map((r) => policyOf(r, options));
}

/** The pack's name, as `pulumi preview` prints it next to each violation. */
export const EKM_POLICY_PACK_NAME = "pulumi-ekm-posture";

/** The arguments of `new PolicyPack(EKM_POLICY_PACK_NAME, …)`, for a pack that adds its own policies or options. */
export function ekmPolicyPackArgs(overrides: Partial<Omit<PolicyPackArgs, "policies">> & EkmPolicyOptions = {}): PolicyPackArgs {
  const { now, ...rest } = overrides;
  return {
    description: "pulumi-ekm BYOK posture: key rotation, deletion window, documented IAM policy, purge protection, RBAC, RSA size, sts:ExternalId, activation date",
    ...rest,
    policies: ekmPolicies({ now }),
  };
}
