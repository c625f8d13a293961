/**
 * The demo behind `npm run demo` (scripts/demo.sh bootstraps the tools first):
 *   2. start the local platform (the real `ekm-platform` process) and moto on loopback;
 *   3. create a customer KMS key and role in moto, as a customer would;
 *   4. `pulumi up` of the onboarding program registers it; print a status table;
 *   5. encrypt a sample through the platform and show the customer key wrapped it;
 *   6. `pulumi destroy`, and show the revert to platform-managed keys;
 *   7. stop every service and exit 0.
 * Everything runs on 127.0.0.1 with free ports and a temporary file:// Pulumi backend.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlatformClient } from "../sdk";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer } from "../test/support/awsCustomer";
import { startMoto, type MotoServer } from "../test/support/moto";
import { ServerProcess, repoRoot } from "../test/support/process";
import { waitFor } from "../test/support/ports";

const say = (step: string, text: string) => console.log(`[demo] ${step} ${text}`);

/** Runs the Pulumi CLI in the repo root, streaming its output indented. */
function pulumi(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const show = (d: Buffer) => {
      const text = d.toString();
      out += text;
      process.stdout.write(text.replace(/^(?=.)/gm, "       | "));
    };
    child.stdout.on("data", show);
    child.stderr.on("data", show);
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`pulumi ${args.join(" ")} exited with ${code}`))));
  });
}

function table(rows: Record<string, string>[]): void {
  const keys = Object.keys(rows[0]);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => `       ${cells.map((c, i) => c.padEnd(width[i])).join(" │ ")}`;
  console.log(line(keys));
  console.log(`       ${width.map((w) => "─".repeat(w)).join("─┼─")}`);
  for (const r of rows) console.log(line(keys.map((k) => r[k])));
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "ekm-demo-"));
  const adminToken = randomBytes(24).toString("hex");
  let moto: MotoServer | undefined;
  let platform: ServerProcess | undefined;
  let stack: string | undefined;
  try {
    say("2/7", "starting moto (AWS KMS/STS/IAM wire protocol) and the local platform on 127.0.0.1");
    moto = await startMoto();
    const awsEnv = moto.env();
    platform = new ServerProcess("ekm-platform", process.execPath, [join(repoRoot, "dist/platform/bin/ekm-platform.js"), "--port", "0", "--data-dir", join(work, "platform"), "--aws-principal-arn", MOTO_PLATFORM_PRINCIPAL], {
      env: { ...process.env, ...awsEnv, EKM_ADMIN_TOKEN: adminToken, EKM_INSPECT_TRUST_POLICY: "1" },
    });
    const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(platform!.tail())?.[1], { what: "ekm-platform to listen", timeoutMs: 30_000, abort: () => platform!.exitError() });
    say("   ", `moto at ${moto.endpoint}, platform at ${url}`);

    const admin = new PlatformClient({ baseUrl: url, token: adminToken });
    const { accountId, token } = await admin.createAccount({ name: "Contoso" });
    const client = new PlatformClient({ baseUrl: url, token });
    const trust = await client.getTrust(accountId);
    say("   ", `created platform account ${accountId}; it must trust ${trust.aws!.principalArn} with external ID ${trust.aws!.externalId}`);

    say("3/7", "creating the customer's KMS key and IAM role in moto, as the customer would");
    const customer = await provisionCustomer(moto.endpoint, { accountId, externalId: trust.aws!.externalId });
    customer.kms.destroy();
    say("   ", `key ${customer.keyArn}`);
    say("   ", `role ${customer.roleArn} (trust: sts:ExternalId; policy: kms:DescribeKey + Encrypt/Decrypt/GenerateDataKey with tenant_id = ${accountId})`);

    say("4/7", "pulumi up: the onboarding program registers the key with the platform");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${join(work, "state")}`,
      PULUMI_HOME: join(work, "pulumi-home"),
      PULUMI_CONFIG_PASSPHRASE: randomBytes(12).toString("hex"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      EKM_PLATFORM_URL: url,
      EKM_API_TOKEN: token,
    };
    mkdirSync(join(work, "state"), { recursive: true });
    // The stack's config file lands next to Pulumi.yaml (git-ignored) and is removed at the end.
    stack = `demo-${randomBytes(3).toString("hex")}`;
    const cf = ["--stack", stack];
    await pulumi(["login", `file://${join(work, "state")}`], env);
    await pulumi(["stack", "init", stack], env);
    for (const [k, v] of Object.entries({ accountId, keyArn: customer.keyArn, roleArn: customer.roleArn, nickname: "Contoso production key", activationDate: "2026-01-01" })) {
      await pulumi(["config", "set", ...cf, k, v], env);
    }
    await pulumi(["up", "--yes", "--skip-preview", ...cf], env);

    const state = await client.getKeyManagement(accountId);
    table([
      {
        account: accountId,
        provider: state.byok?.provider ?? "-",
        nickname: state.byok?.nickname ?? "-",
        status: state.byok?.status ?? "-",
        "effective key source": state.effectiveKeySource,
      },
    ]);

    say("5/7", "encrypting a sample through the platform");
    const sample = await client.encryptContent(accountId, "Quarterly numbers: confidential");
    const back = await client.decryptContent(accountId, sample.ciphertext);
    say("   ", `keySource=${sample.keySource}, wrapped by ${sample.keyVersion}`);
    say("   ", `decrypted: "${Buffer.from(back.plaintext, "base64").toString()}" (keySource=${back.keySource})`);
    if (sample.keySource !== "byok-aws") throw new Error(`expected the customer key to wrap the sample, got ${sample.keySource}`);

    say("6/7", "pulumi destroy: revert the account to platform-managed keys");
    await pulumi(["destroy", "--yes", "--skip-preview", ...cf], env);
    const after = await client.getKeyManagement(accountId);
    const reverted = (await client.listEvents(accountId, { limit: 500 })).events.filter((e) => e.type === "byok.reverted").pop();
    const again = await client.decryptContent(accountId, sample.ciphertext);
    table([{ account: accountId, mode: after.mode, "effective key source": after.effectiveKeySource, "re-wrapped data keys": String(reverted?.data.rewrappedDataKeys ?? 0), "sample now via": again.keySource }]);
    if (after.mode !== "platform-managed") throw new Error(`expected platform-managed after destroy, got ${after.mode}`);
    await pulumi(["stack", "rm", "--yes", "--force", ...cf], env);

    say("7/7", "stopping moto and the platform");
  } finally {
    await platform?.stop();
    await moto?.stop();
    rmSync(work, { recursive: true, force: true });
    if (stack) rmSync(join(repoRoot, `Pulumi.${stack}.yaml`), { force: true });
  }
  say("   ", "done");
}

main().catch((err: Error) => {
  console.error(`[demo] failed: ${err.message}`);
  process.exit(1);
});
