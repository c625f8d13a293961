/** Writes openapi/ekm-v1.json (npm run openapi). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderOpenApiDocument } from "./document";

const out = join(__dirname, "..", "..", "openapi", "ekm-v1.json");
writeFileSync(out, renderOpenApiDocument());
process.stdout.write(`wrote ${out}\n`);
