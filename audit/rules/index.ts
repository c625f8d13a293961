/** Every rule over one account's evidence, in a stable order (drift, posture, history, coverage). */
import { RULE_LIST } from "../../sdk/contract/posture";
import type { AccountEvidence, Finding } from "../model";
import { awsLiveDrift, platformDrift } from "./drift";
import { primary } from "./finding";
import { historyFindings } from "./history";
import { awsPosture, azurePosture, coverage } from "./posture";

const order = new Map(RULE_LIST.map((r, i) => [r.id, i]));

/** The findings of one account, sorted by catalog order, then resource. */
export function judge(ev: AccountEvidence): Finding[] {
  const d = primary(ev);
  const out: Finding[] = [];
  for (const decl of ev.declared) out.push(...platformDrift(ev, decl), ...awsLiveDrift(ev, decl));
  out.push(...awsPosture(ev, d), ...azurePosture(ev, d), ...historyFindings(ev, d), ...coverage(ev, d));
  return out.sort((a, b) => (order.get(a.ruleId)! - order.get(b.ruleId)!) || a.resource.cloudId.localeCompare(b.resource.cloudId));
}
