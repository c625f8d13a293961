/** Runs every benchmark in bench/ one after another (npm run bench). */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { defaultCliPath } from "../testing/keyvault-emulator";

const BENCHES = ["content-encryption.ts", "byok-aws.ts", "byok-azure.ts", "provider-scale.ts", "audit.ts"];
// bench/byok-azure runs the Key Vault emulator process from the build output.
if (!existsSync(defaultCliPath())) {
  const build = spawnSync("npm", ["run", "build"], { stdio: "inherit", cwd: join(__dirname, "..") });
  if (build.status !== 0) process.exit(1);
}
let failed = 0;
for (const file of BENCHES) {
  const path = join(__dirname, file);
  const r = spawnSync(process.execPath, ["--import", "tsx", path], { stdio: "inherit" });
  if (r.status !== 0) failed++;
  console.log("");
}
process.exit(failed ? 1 : 0);
