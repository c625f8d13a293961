/** Runs every benchmark in bench/ one after another (npm run bench). */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const BENCHES = ["content-encryption.ts", "byok-aws.ts", "provider-scale.ts", "audit.ts"];
let failed = 0;
for (const file of BENCHES) {
  const path = join(__dirname, file);
  const r = spawnSync(process.execPath, ["--import", "tsx", path], { stdio: "inherit" });
  if (r.status !== 0) failed++;
  console.log("");
}
process.exit(failed ? 1 : 0);
