/**
 * The demo behind `npm run demo` (scripts/demo.sh bootstraps the tools first). Two customers
 * onboard, one per cloud:
 *   2. start moto (AWS), the Key Vault emulator (Azure) and the local platform (the real
 *      `ekm-platform` process, its Azure path pointed at the emulator by its test-only flags);
 *   3. create the customers' keys as they would: Contoso a KMS key and role in moto, Fabrikam a
 *      vault, an RSA key and a role for the platform's application in the emulator;
 *   4. `pulumi up` of each onboarding program registers its key; print a status table;
 *   5. encrypt a sample for each through the platform and show which customer key wrapped it;
 *   6. `pulumi destroy` of each, and show both accounts reverted to platform-managed keys;
 *   7. stop every service and exit 0.
 * Everything runs on 127.0.0.1 with free ports and a temporary file:// Pulumi backend.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlatformClient, type EncryptResponse, type KeySource } from "../sdk";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer } from "../test/support/awsCustomer";
import { startAzureCustomer, type AzureCustomer } from "../test/support/azureCustomer";
import { startMoto, type MotoServer } from "../test/support/moto";
import { ServerProcess, repoRoot } from "../test/support/process";
import { waitFor } from "../test/support/ports";

const say = (step: string, text: string) => console.log(`[demo] ${step} ${text}`);

/** Runs the Pulumi CLI in `cwd` (a Pulumi project folder), streaming its output indented. */
function pulumi(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
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

/** One onboarded customer: its account, its Pulumi project and stack, and its key's stack config. */
interface Customer {
  readonly name: string;
  readonly cloud: "AWS" | "Azure";
  readonly accountId: string;
  readonly client: PlatformClient;
  /** The Pulumi project folder that holds the onboarding program. */
  readonly projectDir: string;
  readonly stack: string;
  readonly config: Record<string, string>;
  /** The key source its content must show once the key is registered. */
  readonly keySource: KeySource;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "ekm-demo-"));
  const adminToken = randomBytes(24).toString("hex");
  let moto: MotoServer | undefined;
  let azure: AzureCustomer | undefined;
  let platform: ServerProcess | undefined;
  const stacks: Customer[] = [];
  try {
    say("2/7", "starting moto (AWS KMS/STS/IAM wire protocol), the Key Vault emulator (HTTPS, its own CA) and the local platform on 127.0.0.1");
    moto = await startMoto();
    azure = await startAzureCustomer({ dataDir: join(work, "keyvault-emulator"), vaultName: "fabrikam-byok", keyName: "fabrikam-kek" });
    platform = new ServerProcess(
      "ekm-platform",
      process.execPath,
      [join(repoRoot, "dist/platform/bin/ekm-platform.js"), "--port", "0", "--data-dir", join(work, "platform"), "--aws-principal-arn", MOTO_PLATFORM_PRINCIPAL, ...azure.platformArgs()],
      { env: { ...process.env, ...moto.env(), ...azure.platformEnv(), EKM_ADMIN_TOKEN: adminToken, EKM_INSPECT_TRUST_POLICY: "1" }, maxOutput: 1_000_000 },
    );
    const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(platform!.tail())?.[1], { what: "ekm-platform to listen", timeoutMs: 30_000, abort: () => platform!.exitError() });
    say("   ", `moto at ${moto.endpoint}, Key Vault emulator at ${azure.emulator.url}, platform at ${url}`);
    // The platform says loudly that its Azure path is pointed at a local emulator.
    for (const line of platform.tail(1_000_000).split("\n").filter((l) => l.includes("TEST OVERRIDE"))) {
      say("   ", `platform: ${(JSON.parse(line) as { message: string }).message}`);
    }

    const admin = new PlatformClient({ baseUrl: url, token: adminToken });
    const contoso = await admin.createAccount({ name: "Contoso" });
    const fabrikam = await admin.createAccount({ name: "Fabrikam" });
    const contosoClient = new PlatformClient({ baseUrl: url, token: contoso.token });
    const fabrikamClient = new PlatformClient({ baseUrl: url, token: fabrikam.token });
    const awsTrust = (await contosoClient.getTrust(contoso.accountId)).aws!;
    const azureTrust = (await fabrikamClient.getTrust(fabrikam.accountId)).azure!;
    say("   ", `Contoso ${contoso.accountId} (AWS): its role must trust ${awsTrust.principalArn} with external ID ${awsTrust.externalId}`);
    say("   ", `Fabrikam ${fabrikam.accountId} (Azure): its key must grant the platform's application ${azureTrust.applicationId} read, wrap and unwrap`);

    say("3/7", "creating the customers' keys, as each customer would");
    const aws = await provisionCustomer(moto.endpoint, { accountId: contoso.accountId, externalId: awsTrust.externalId });
    aws.kms.destroy();
    say("   ", `Contoso key ${aws.keyArn}`);
    say("   ", `Contoso role ${aws.roleArn} (trust: sts:ExternalId; policy: kms:DescribeKey + Encrypt/Decrypt/GenerateDataKey with tenant_id = ${contoso.accountId})`);
    say("   ", `Fabrikam key ${azure.keyName} (RSA 3072, version ${azure.keyVersion}) in ${azure.vaultUrl} (soft delete, purge protection), tenant ${azure.tenantId}`);
    say("   ", `Fabrikam role: the application's service principal ${azure.principalId} may read, wrap and unwrap with that key only`);

    stacks.push(
      {
        name: "Contoso",
        cloud: "AWS",
        accountId: contoso.accountId,
        client: contosoClient,
        projectDir: repoRoot, // the root Pulumi.yaml runs examples/register-existing-key
        stack: `demo-contoso-${randomBytes(3).toString("hex")}`,
        config: { accountId: contoso.accountId, keyArn: aws.keyArn, roleArn: aws.roleArn, nickname: "Contoso production key", activationDate: "2026-01-01" },
        keySource: "byok-aws",
      },
      {
        name: "Fabrikam",
        cloud: "Azure",
        accountId: fabrikam.accountId,
        client: fabrikamClient,
        projectDir: join(repoRoot, "examples", "register-existing-azure-key"),
        stack: `demo-fabrikam-${randomBytes(3).toString("hex")}`,
        config: { accountId: fabrikam.accountId, vaultUrl: azure.vaultUrl, tenantId: azure.tenantId, keyName: azure.keyName, nickname: "Fabrikam production key", activationDate: "2026-01-01" },
        keySource: "byok-azure",
      },
    );
    const tokens = new Map([
      [contoso.accountId, contoso.token],
      [fabrikam.accountId, fabrikam.token],
    ]);
    mkdirSync(join(work, "state"), { recursive: true });
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${join(work, "state")}`,
      PULUMI_HOME: join(work, "pulumi-home"),
      PULUMI_CONFIG_PASSPHRASE: randomBytes(12).toString("hex"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      EKM_PLATFORM_URL: url,
    };
    // Each customer's program runs with that customer's own account token.
    const envOf = (c: Customer): NodeJS.ProcessEnv => ({ ...baseEnv, EKM_API_TOKEN: tokens.get(c.accountId)! });

    say("4/7", "pulumi up: each customer's onboarding program registers its key with the platform");
    await pulumi(["login", `file://${join(work, "state")}`], baseEnv, repoRoot);
    for (const c of stacks) {
      say("   ", `${c.name} (${c.cloud}): stack ${c.stack} of ${c.projectDir === repoRoot ? "examples/register-existing-key" : "examples/register-existing-azure-key"}`);
      const cf = ["--stack", c.stack];
      await pulumi(["stack", "init", c.stack], envOf(c), c.projectDir);
      for (const [k, v] of Object.entries(c.config)) await pulumi(["config", "set", ...cf, k, v], envOf(c), c.projectDir);
      await pulumi(["up", "--yes", "--skip-preview", ...cf], envOf(c), c.projectDir);
    }
    const rows = [];
    for (const c of stacks) {
      const state = await c.client.getKeyManagement(c.accountId);
      if (state.byok === null) throw new Error(`pulumi up of ${c.name}'s program registered no key (see its output above)`);
      rows.push({
        customer: c.name,
        account: c.accountId,
        provider: state.byok?.provider ?? "-",
        nickname: state.byok?.nickname ?? "-",
        status: state.byok?.status ?? "-",
        "effective key source": state.effectiveKeySource,
      });
    }
    table(rows);

    say("5/7", "encrypting a sample for each customer through the platform");
    const samples = new Map<string, EncryptResponse>();
    for (const c of stacks) {
      const sample = await c.client.encryptContent(c.accountId, `${c.name} quarterly numbers: confidential`);
      const back = await c.client.decryptContent(c.accountId, sample.ciphertext);
      say("   ", `${c.name}: keySource=${sample.keySource}, wrapped by ${sample.keyVersion}`);
      say("   ", `${c.name}: decrypted "${Buffer.from(back.plaintext, "base64").toString()}" (keySource=${back.keySource})`);
      if (sample.keySource !== c.keySource) throw new Error(`expected ${c.name}'s customer key to wrap the sample (${c.keySource}), got ${sample.keySource}`);
      samples.set(c.accountId, sample);
    }

    say("6/7", "pulumi destroy: revert both accounts to platform-managed keys");
    for (const c of stacks) await pulumi(["destroy", "--yes", "--skip-preview", "--stack", c.stack], envOf(c), c.projectDir);
    const after = [];
    for (const c of stacks) {
      const state = await c.client.getKeyManagement(c.accountId);
      const reverted = (await c.client.listEvents(c.accountId, { limit: 500 })).events.filter((e) => e.type === "byok.reverted").pop();
      const again = await c.client.decryptContent(c.accountId, samples.get(c.accountId)!.ciphertext);
      after.push({
        customer: c.name,
        account: c.accountId,
        mode: state.mode,
        "effective key source": state.effectiveKeySource,
        "re-wrapped data keys": String(reverted?.data.rewrappedDataKeys ?? 0),
        "sample now via": again.keySource,
      });
      if (state.mode !== "platform-managed") throw new Error(`expected ${c.name} on platform-managed keys after destroy, got ${state.mode}`);
      if (again.keySource !== "platform") throw new Error(`expected ${c.name}'s sample re-wrapped under the platform key, got ${again.keySource}`);
    }
    table(after);
    for (const c of stacks) await pulumi(["stack", "rm", "--yes", "--force", "--stack", c.stack], envOf(c), c.projectDir);

    say("7/7", "stopping moto, the Key Vault emulator and the platform");
  } finally {
    await platform?.stop();
    await azure?.stop();
    await moto?.stop();
    rmSync(work, { recursive: true, force: true });
    // The stacks' config files land next to each Pulumi.yaml (git-ignored); remove them.
    for (const c of stacks) rmSync(join(c.projectDir, `Pulumi.${c.stack}.yaml`), { force: true });
  }
  say("   ", "done");
}

main().catch((err: Error) => {
  console.error(`[demo] failed: ${err.message}`);
  process.exit(1);
});
