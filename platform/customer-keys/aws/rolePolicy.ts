/**
 * The platform's own structural check of the role's identity policies: some Allow statement
 * must grant the KMS action on the key, with a `kms:EncryptionContext:tenant_id` condition (if
 * any) that the platform's context `{tenant_id: <accountId>}` satisfies. moto ignores IAM
 * conditions, so the local reference platform checks them here; on real AWS, KMS enforces them
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context).
 * Deny statements and other operators are not evaluated: this stands in, it does not replace.
 */
import { AWS_ACTIONS, ENCRYPTION_CONTEXT_CONDITION_KEY, ENCRYPTION_CONTEXT_KEY } from "../../../sdk/contract";
import { asArray, parsePolicyDocument, strings, type Json, type TrustFinding } from "./validate";

/** What the policy must allow. */
export interface KeyUseExpectation {
  readonly action: typeof AWS_ACTIONS.generateDataKey | typeof AWS_ACTIONS.decrypt;
  readonly keyArn: string;
  readonly accountId: string;
  readonly roleArn: string;
}

/** IAM condition keys are case-insensitive. */
const CONTEXT_KEY = ENCRYPTION_CONTEXT_CONDITION_KEY.toLowerCase();

/** IAM wildcard match (`*` and `?`), case-insensitive for actions. */
function wildcard(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, caseInsensitive ? "i" : "");
  return re.test(value);
}

/** The tenant_id values a statement's condition requires, or undefined when it sets none. */
function tenantValues(condition: Json): { values: string[]; like: boolean } | undefined {
  if (typeof condition !== "object" || condition === null) return undefined;
  for (const [operator, body] of Object.entries(condition as Record<string, Json>)) {
    if (typeof body !== "object" || body === null) continue;
    const entry = Object.entries(body as Record<string, Json>).find(([k]) => k.toLowerCase() === CONTEXT_KEY);
    if (entry) return { values: strings(entry[1]), like: /like/i.test(operator) };
  }
  return undefined;
}

/** Checks the role's policy documents (inline and attached, as IAM returns them). */
export function checkKeyUsePolicy(documents: readonly string[], expect: KeyUseExpectation): TrustFinding {
  const wanted = `StringEquals ${ENCRYPTION_CONTEXT_CONDITION_KEY} = ${expect.accountId}`;
  const statements = documents
    .flatMap((d) => {
      try {
        return asArray((parsePolicyDocument(d) as Record<string, Json> | null)?.Statement);
      } catch {
        return [];
      }
    })
    .filter((x): x is Record<string, Json> => typeof x === "object" && x !== null);
  const granting = statements.filter(
    (st) => st.Effect === "Allow" && strings(st.Action).some((a) => wildcard(a, expect.action, true)) && strings(st.Resource).some((r) => wildcard(r, expect.keyArn, false)),
  );
  if (granting.length === 0) {
    return {
      ok: false,
      message: `${expect.action} would be denied: no policy of ${expect.roleArn} allows ${expect.action} on ${expect.keyArn} — add it with the condition ${wanted}`,
    };
  }
  const required: string[] = [];
  for (const st of granting) {
    const tenant = tenantValues(st.Condition);
    if (tenant === undefined) return { ok: true, message: `the role policy allows ${expect.action} on the key (without a ${ENCRYPTION_CONTEXT_KEY} condition: add ${wanted} to isolate this account)` };
    if (tenant.values.some((v) => (tenant.like ? wildcard(v, expect.accountId, false) : v === expect.accountId))) {
      return { ok: true, message: `the role policy allows ${expect.action} with ${ENCRYPTION_CONTEXT_CONDITION_KEY} = ${expect.accountId}` };
    }
    required.push(...tenant.values);
  }
  return {
    ok: false,
    message: `${expect.action} would be denied for ${expect.roleArn}: its policy requires ${ENCRYPTION_CONTEXT_CONDITION_KEY} = ${[...new Set(required)].join(", ")}, but the platform sends ${ENCRYPTION_CONTEXT_KEY} = ${expect.accountId}; set the condition to ${wanted}`,
  };
}
