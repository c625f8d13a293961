/**
 * The customer-key view on Azure: read-only Key Vault data-plane calls with the customer's own
 * credentials (`DefaultAzureCredential`: environment, workload identity, managed identity, Azure
 * CLI). It reads the key (enabled, exp, nbf, kty, size, key ops, recovery level) and its rotation
 * policy. The vault's properties (soft delete, purge protection, RBAC) and the platform
 * principal's role assignments are Azure Resource Manager reads, which this audit does not make:
 * it judges them on the stack's declared vault and says so with a `coverage.not-read` finding.
 *
 * - Get Key: https://learn.microsoft.com/rest/api/keyvault/keys/get-key/get-key
 * - Get Key Rotation Policy: https://learn.microsoft.com/rest/api/keyvault/keys/get-key-rotation-policy/get-key-rotation-policy
 */
import type { TokenCredential } from "@azure/identity";
import { KeyClient, type KeyClientOptions } from "@azure/keyvault-keys";
import type { AzureKeyReference } from "../../sdk";
import { isoDurationDays } from "../../sdk/contract/azure";
import { AuditError } from "../errors";
import type { AzureLiveView, NotRead } from "../model";

/** What Key Vault calls the two reads, as the findings name them. */
export const AZURE_READS = { getKey: "keyvault:GetKey", getRotationPolicy: "keyvault:GetKeyRotationPolicy" } as const;

/** The ARM reads the audit leaves out, named in its coverage findings. */
export const AZURE_ARM_NOT_READ: readonly NotRead[] = [
  { what: "Microsoft.KeyVault/vaults/read", reason: "vault properties (soft delete, purge protection, RBAC) are Azure Resource Manager reads, not made by this audit: judged on the stack's declared vault" },
  { what: "Microsoft.Authorization/roleAssignments/read", reason: "the platform principal's role assignments at the key's scope are Azure Resource Manager reads, not made by this audit" },
];

/** The Key Vault clients one audit shares (one per vault). */
export class AzureReaders {
  readonly #clients = new Map<string, KeyClient>();
  readonly calls = new Map<string, number>();
  /** `credential` is called once, on the first vault; `options` reach every KeyClient (TLS, retries). */
  constructor(
    private readonly credential: () => TokenCredential,
    private readonly options: KeyClientOptions = {},
  ) {}
  #credential?: TokenCredential;
  client(vaultUrl: string): KeyClient {
    let c = this.#clients.get(vaultUrl);
    if (!c) this.#clients.set(vaultUrl, (c = new KeyClient(vaultUrl, (this.#credential ??= this.credential()), this.options)));
    return c;
  }
  count(action: string): void {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
  }
}

const statusOf = (err: unknown) => (err as { statusCode?: number }).statusCode;

/** An AuditError when `err` means the Azure view cannot run at all (no or refused credentials, vault unreachable), else undefined. */
export function azureFailure(err: unknown, action: string, vaultUrl: string): AuditError | undefined {
  const name = String((err as { name?: string }).name ?? "Error");
  if (name === "CredentialUnavailableError" || name === "AuthenticationError" || name === "AuthenticationRequiredError" || statusOf(err) === 401) {
    return new AuditError(`Azure refused the audit's credentials on ${action} for ${vaultUrl} (${name}: ${(err as Error).message.split("\n")[0]})`, "set the customer's credentials for DefaultAzureCredential (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, or `az login`), or drop --customer-keys azure");
  }
  if (statusOf(err) === undefined) return new AuditError(`Key Vault ${vaultUrl} did not answer ${action} (${name}: ${(err as Error).message.split("\n")[0]})`, "check the vault URL and the network path to it, or drop --customer-keys azure");
  return undefined;
}

/** Reads the key `ref` names. */
export async function readAzureLiveView(readers: AzureReaders, ref: AzureKeyReference): Promise<AzureLiveView> {
  const client = readers.client(ref.vaultUrl);
  const notRead: NotRead[] = [...AZURE_ARM_NOT_READ];
  readers.count(AZURE_READS.getKey);
  readers.count(AZURE_READS.getRotationPolicy);
  const [key, policy] = await Promise.allSettled([client.getKey(ref.keyName, ref.keyVersion ? { version: ref.keyVersion } : {}), client.getKeyRotationPolicy(ref.keyName)]);
  if (key.status === "rejected") {
    const fatal = azureFailure(key.reason, AZURE_READS.getKey, ref.vaultUrl);
    if (fatal) throw fatal;
    if (statusOf(key.reason) === 404) return { provider: "azure", missing: ["key"], notRead, requestIds: {} };
    notRead.push({ what: AZURE_READS.getKey, reason: (key.reason as Error).message });
    return { provider: "azure", missing: [], notRead, requestIds: {} };
  }
  let rotates: boolean | undefined;
  let rotationPeriodDays: number | undefined;
  if (policy.status === "fulfilled") {
    const rotate = (policy.value.lifetimeActions ?? []).find((a) => a.action.toLowerCase() === "rotate");
    rotates = rotate !== undefined;
    rotationPeriodDays = rotate?.timeAfterCreate ? isoDurationDays(rotate.timeAfterCreate) : undefined;
  } else {
    notRead.push({ what: AZURE_READS.getRotationPolicy, reason: (policy.reason as Error).message });
  }
  const k = key.value;
  const n = k.key?.n;
  return {
    provider: "azure",
    key: {
      id: k.id ?? `${ref.vaultUrl}keys/${ref.keyName}`,
      enabled: k.properties.enabled !== false,
      expiresOn: k.properties.expiresOn?.toISOString(),
      notBefore: k.properties.notBefore?.toISOString(),
      keyType: k.keyType,
      keySize: n ? n.length * 8 : undefined,
      keyOps: k.keyOperations ?? [],
      recoveryLevel: k.properties.recoveryLevel,
      rotates,
      rotationPeriodDays,
    },
    missing: [],
    notRead,
    requestIds: {},
  };
}
