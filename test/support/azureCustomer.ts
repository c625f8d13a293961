// The customer side in the Key Vault emulator process, provisioned as a customer would in Azure:
// a vault with soft delete and purge protection in the customer's tenant, an RSA key allowing
// wrapKey/unwrapKey, the platform application's service principal in that tenant, and a role on
// the key granting the platform exactly read + wrap + unwrap (what "Key Vault Crypto Service
// Encryption User" grants). The platform then runs its production Azure path against it with the
// test overrides (platform/byok/azureTestOverrides.ts): the vault keeps its real-looking
// https://<name>.vault.azure.net/ URL.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PlatformSettings } from "../../platform/context";
import type { PutByokRequest } from "../../sdk/schemas";
import { WRAP_UNWRAP_DATA_ACTIONS } from "../../sdk/contract";
import { startKeyVaultEmulator, type KeyDataAction, type KeyVaultEmulatorClient, type RunningEmulator } from "../../testing/keyvault-emulator";

/** Options of `startAzureCustomer`. Every field has a default. */
export interface AzureCustomerOptions {
  /** The emulator's data directory. @default a fresh temporary directory, removed by `stop()` */
  readonly dataDir?: string;
  /** The vault's name: its URL is `https://<vaultName>.vault.azure.net/`. @default "contoso-byok" */
  readonly vaultName?: string;
  /** The key's name. @default "platform-kek" */
  readonly keyName?: string;
  /** RSA modulus size. @default 3072 */
  readonly keySize?: 2048 | 3072 | 4096;
  /** The customer's Entra tenant. @default a random GUID */
  readonly tenantId?: string;
  /** Data actions granted to the platform's principal on the key. @default read, wrap and unwrap */
  readonly grantedActions?: readonly KeyDataAction[];
  /** Passed to the emulator: lifetime of the tokens it issues. @default the emulator's (1 h) */
  readonly tokenLifetimeSeconds?: number;
}

/** A running customer: the emulator process and what a test needs to point the platform at it. */
export interface AzureCustomer {
  /** The emulator process now running (a new object after `restart()`). */
  readonly emulator: RunningEmulator;
  /** Its admin client: create versions, disable keys, revoke grants, inject faults (a new object after `restart()`). */
  readonly admin: KeyVaultEmulatorClient;
  /** `https://<vaultName>.vault.azure.net/`: what the customer registers. */
  readonly vaultUrl: string;
  readonly vaultName: string;
  /** `<vaultName>.vault.azure.net`. */
  readonly vaultHost: string;
  readonly tenantId: string;
  readonly keyName: string;
  /** The key's first (current at start) version, 32 hex characters. */
  readonly keyVersion: string;
  /** The platform application's client id and secret, registered as a service principal in `tenantId`. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** The platform principal's object id (what `grant`/`revoke` take). */
  readonly principalId: string;
  /** The emulator's CA certificate: path and PEM. */
  readonly caPath: string;
  readonly caPem: string;
  /** The emulator's URL, `https://127.0.0.1:<port>`: the test Entra authority. */
  readonly authorityHost: string;
  /** `ekm-platform` flags: client id and the three test overrides. The secret goes in `platformEnv()`. */
  platformArgs(): string[];
  /** `ekm-platform` environment: `EKM_AZURE_CLIENT_SECRET`. */
  platformEnv(): NodeJS.ProcessEnv;
  /** `startPlatform({settings})` equivalent of the flags and the environment. */
  platformSettings(): Partial<PlatformSettings>;
  /** A `PUT .../byok` body for this key: versionless by default, pinned to `keyVersion` (or the version given) with `pin`. */
  byokRequest(opts?: { pin?: boolean | string; nickname?: string; activationDate?: string; keyName?: string }): PutByokRequest;
  /** Creates another RSA key in the vault with the platform's actions granted on it; returns its first version. */
  createKey(name: string, spec?: Parameters<KeyVaultEmulatorClient["createKey"]>[2], actions?: readonly KeyDataAction[]): Promise<string>;
  /** Rotates the key (a new version, now the newest); returns the new version. */
  rotate(keyName?: string): Promise<string>;
  /** Starts the emulator again on the same port and data dir (after `emulator.kill()`): keys and grants survive. */
  restart(): Promise<void>;
  /** Stops the emulator and removes a data dir this helper created. */
  stop(): Promise<void>;
}

/** Starts the emulator process and provisions the customer's vault, key, principal and role. */
export async function startAzureCustomer(options: AzureCustomerOptions = {}): Promise<AzureCustomer> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "ekm-azure-customer-"));
  const vaultName = options.vaultName ?? "contoso-byok";
  const vaultHost = `${vaultName}.vault.azure.net`;
  const keyName = options.keyName ?? "platform-kek";
  const tenantId = options.tenantId ?? randomUUID();
  const clientId = randomUUID();
  // Random per run: the leak checks grep every output for it.
  const clientSecret = `azure-secret-${randomUUID()}`;
  const actions = options.grantedActions ?? [...WRAP_UNWRAP_DATA_ACTIONS];
  const launch = (port?: number) =>
    startKeyVaultEmulator({ dataDir, tenantId, hostAliases: [vaultHost], ...(port === undefined ? {} : { port }), ...(options.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }) });
  let emulator = await launch();
  try {
    await emulator.admin.putVault(vaultName, { tenantId, softDelete: true, purgeProtection: true, recoverableDays: 90 });
    const { objectId: principalId } = await emulator.admin.registerServicePrincipal({ tenantId, clientId, secret: clientSecret });
    const createKey = async (name: string, spec: Parameters<KeyVaultEmulatorClient["createKey"]>[2] = {}, granted: readonly KeyDataAction[] = actions) => {
      const created = await emulator.admin.createKey(vaultName, name, { kty: "RSA", key_size: options.keySize ?? 3072, key_ops: ["wrapKey", "unwrapKey", "encrypt", "decrypt"], ...spec });
      if (granted.length > 0) await emulator.admin.grant({ principalId, vault: vaultName, key: name, actions: granted });
      return created.version;
    };
    const keyVersion = await createKey(keyName);
    const customer: AzureCustomer = {
      get emulator() {
        return emulator;
      },
      get admin() {
        return emulator.admin;
      },
      vaultUrl: `https://${vaultHost}/`,
      vaultName,
      vaultHost,
      tenantId,
      keyName,
      keyVersion,
      clientId,
      clientSecret,
      principalId,
      caPath: emulator.caPath,
      caPem: emulator.caPem,
      get authorityHost() {
        return emulator.url;
      },
      platformArgs: () => [
        "--azure-client-id",
        clientId,
        "--azure-authority-host",
        emulator.url,
        "--vault-endpoint-override",
        `${vaultHost}=127.0.0.1:${emulator.port}`,
        "--azure-ca-file",
        emulator.caPath,
      ],
      platformEnv: () => ({ EKM_AZURE_CLIENT_SECRET: clientSecret }),
      platformSettings: () => ({
        azureClientId: clientId,
        azureClientSecret: clientSecret,
        azureTest: { authorityHost: emulator.url, vaultEndpoints: { [vaultHost]: `127.0.0.1:${emulator.port}` }, caFile: emulator.caPath },
      }),
      byokRequest: (opts = {}) => {
        const pin = opts.pin === true ? keyVersion : opts.pin || undefined;
        return {
          provider: "azure",
          azure: { vaultUrl: `https://${vaultHost}/`, tenantId, keyName: opts.keyName ?? keyName, ...(pin === undefined ? {} : { keyVersion: pin }) },
          nickname: opts.nickname ?? "contoso-kek",
          activationDate: opts.activationDate ?? "2020-01-01T00:00:00Z",
        };
      },
      createKey: (name, spec, granted) => createKey(name, spec, granted),
      rotate: async (name = keyName) => (await emulator.admin.createKey(vaultName, name, { kty: "RSA", key_size: options.keySize ?? 3072, key_ops: ["wrapKey", "unwrapKey", "encrypt", "decrypt"] })).version,
      restart: async () => {
        await emulator.stop();
        emulator = await launch(emulator.port);
      },
      stop: async () => {
        await emulator.stop();
        if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
    return customer;
  } catch (err) {
    await emulator.stop();
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
