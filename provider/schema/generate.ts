/**
 * Writes provider/schema.json from the TypeScript declarations (see ./package.ts).
 *
 *   npm run schema
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { schemaText } from "./package";

const repoRoot = path.resolve(__dirname, "..", "..");
const out = path.join(repoRoot, "provider", "schema.json");
fs.writeFileSync(out, schemaText(repoRoot));
console.log(`wrote ${path.relative(repoRoot, out)}`);
