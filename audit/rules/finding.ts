/** Builds findings from the catalog, so a rule's id, severity and fix are written once (sdk/contract/posture.ts). */
import { RULES, type RuleName } from "../../sdk/contract/posture";
import type { AccountEvidence, DeclaredByok, Finding } from "../model";

/**
 * What a rule adds to the catalog entry: the finding's own fields (their meaning is on `Finding`),
 * with the evidence optional.
 */
export interface FindingInit extends Pick<Finding, "resource" | "message" | "declared" | "platform" | "live">, Partial<Pick<Finding, "evidence">> {
  /** A fix more precise than the catalog's, e.g. with the ARN in it. */
  readonly fix?: string;
}

/** A finding of rule `name` for the account of `ev`. */
export function finding(name: RuleName, ev: AccountEvidence, d: DeclaredByok | undefined, init: FindingInit): Finding {
  const rule = RULES[name];
  return {
    ruleId: rule.id,
    severity: rule.severity,
    accountId: ev.accountId,
    ...(d ? { stack: d.stack } : {}),
    resource: init.resource,
    message: init.message,
    ...(init.declared !== undefined ? { declared: init.declared } : {}),
    ...(init.platform !== undefined ? { platform: init.platform } : {}),
    ...(init.live !== undefined ? { live: init.live } : {}),
    evidence: init.evidence ?? {},
    fix: init.fix ?? rule.fix,
  };
}

/** The platform-side id of an account's BYOK configuration. */
export const byokCloudId = (accountId: string) => `accounts/${accountId}/key-management/byok`;

/** The declared configuration the findings of an account point at (the first, when several stacks declare it). */
export const primary = (ev: AccountEvidence): DeclaredByok | undefined => ev.declared[0];
