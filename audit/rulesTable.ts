/**
 * The rule table of docs/audit.md, rendered from the catalog (sdk/contract/posture.ts) so the
 * page never restates a rule by hand: `npx tsx audit/rulesTable.ts` prints it, and a unit test
 * fails when the page's table is not this one.
 */
import { RULE_LIST } from "../sdk/contract/posture";

/** The Markdown table: id, severity, where it is judged, meaning, the controls it mirrors. */
export function rulesMarkdownTable(): string {
  const rows = RULE_LIST.map((r) => `| \`${r.id}\` | ${r.severity} | ${r.scope} | ${r.title}. ${r.description} | ${r.sources.length ? r.sources.map((s) => `[${s.name}](${s.url})`).join("; ") : "—"} |`);
  return ["| rule | severity | judged by | what it means | mirrors |", "|---|---|---|---|---|", ...rows].join("\n");
}

if (require.main === module) console.log(rulesMarkdownTable());
