/**
 * Field formats of the Key Management API: KMS key ARNs, IAM role ARNs, Key Vault URLs,
 * tenant GUIDs, nicknames and activation dates.
 *
 * Every message names what was expected, shows the value received and says how to fix
 * it; the field itself is named by the issue path (see `describeIssues`).
 */
import { z } from "zod";
import { KEY_VAULT_DNS_SUFFIXES, azureCloudOf } from "../contract/azure";

/** AWS partitions, from https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html */
export const AWS_PARTITIONS = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"] as const;

const PARTITION = AWS_PARTITIONS.map((p) => p.replace(/-/g, "\\-")).join("|");
// Region codes: us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1.
const REGION = "[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}";
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
// Multi-Region key ids: https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
const MRK = "mrk-[0-9a-f]{32}";

/** Pattern of a KMS key ARN: partition, region, 12-digit account, key UUID or `mrk-` id. */
export const KMS_KEY_ARN_PATTERN = new RegExp(`^arn:(${PARTITION}):kms:(${REGION}):(\\d{12}):key/(${UUID}|${MRK})$`);

/**
 * Pattern of an IAM role ARN. Role names are 1–64 of `[\w+=,.@-]`, paths start and end
 * with `/`: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 */
export const IAM_ROLE_ARN_PATTERN = new RegExp(`^arn:(${PARTITION}):iam::(\\d{12}):role(/[\\x21-\\x7e]*)?/([\\w+=,.@-]{1,64})$`);

/** An example of each format, used in messages so the fix is concrete. */
export const EXAMPLES = {
  kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  roleArn: "arn:aws:iam::111122223333:role/ekm-platform-access",
  vaultUrl: "https://contoso-byok.vault.azure.net/",
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  activationDate: "2026-12-01T00:00:00Z",
} as const;


/** Loopback hosts the contract accepts for local testing; the platform refuses them unless told otherwise. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Quote a received value for a message, shortened so a huge input cannot flood a log. */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/**
 * A string refined by a predicate whose failure message shows the received value. `pattern` is
 * what the OpenAPI document publishes: every string it matches passes `check` (it may be
 * narrower, never wider), so a request valid by the document is one the platform accepts.
 * Patterns spell classes out (`[0-9]`, not `\d`) because JSON Schema tools disagree on `\d`
 * and `\w` beyond ASCII.
 */
function formatted(check: (s: string) => string | undefined, pattern: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = check(value);
      if (problem) ctx.addIssue({ code: "custom", message: `${problem}; received ${quote(value)}`, input: value });
    })
    .meta({ pattern });
}

const HEX = "[0-9a-fA-F]";
const DIRECTIONS = "(?:east|west|north|south|central|northeast|northwest|southeast|southwest)";
/** Region shapes per partition, matching `partitionRegionProblem`: a commercial region names a direction. */
const PARTITION_REGIONS: Readonly<Record<(typeof AWS_PARTITIONS)[number], string>> = {
  aws: `(?:us|eu|ap|sa|ca|me|af|il|mx)-${DIRECTIONS}-[0-9]{1,2}`,
  "aws-cn": `cn-${DIRECTIONS}-[0-9]{1,2}`,
  "aws-us-gov": `us-gov-${DIRECTIONS}-[0-9]{1,2}`,
  "aws-iso": `us-iso-${DIRECTIONS}-[0-9]{1,2}`,
  "aws-iso-b": `us-isob-${DIRECTIONS}-[0-9]{1,2}`,
  "aws-iso-e": `eu-isoe-${DIRECTIONS}-[0-9]{1,2}`,
  "aws-iso-f": `us-isof-${DIRECTIONS}-[0-9]{1,2}`,
  "aws-eusc": `eusc-[a-z]{2}-${DIRECTIONS}-[0-9]{1,2}`,
};
const KEY_ID = `(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})`;

/** The published patterns of the formats (see `formatted`). */
export const FORMAT_PATTERNS = {
  kmsKeyArn: `^arn:(?:${AWS_PARTITIONS.map((p) => `${p}:kms:${PARTITION_REGIONS[p]}`).join("|")}):[0-9]{12}:key/${KEY_ID}$`,
  roleArn: `^arn:(?:${AWS_PARTITIONS.join("|")}):iam::[0-9]{12}:role/(?:[A-Za-z0-9_+=,.@-]{1,32}/)?[A-Za-z0-9_+=,.@-]{1,64}$`,
  vaultUrl: `^https://[a-z](?:[a-z0-9]|-[a-z0-9]){2,11}\\.(?:${KEY_VAULT_DNS_SUFFIXES.map((s) => s.replace(/\./g, "\\.")).join("|")})/$`,
  tenantId: `^${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}$`,
  keyVaultKeyName: "^[0-9a-zA-Z-]{1,127}$",
  keyVaultKeyVersion: `^${HEX}{32}$`,
  // Printable ASCII without leading or trailing space; the platform also accepts other printable characters.
  nickname: "^[!-~](?:[ -~]{0,62}[!-~])?$",
  // Days 01-28 exist in every month; years from 1000, since Date.UTC maps years below 100 to 19xx.
  activationDate: "^[1-9][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?(?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9]))?$",
  accountId: "^acct-[a-z0-9]{4,60}$",
  base64: "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
} as const;

/** Returns why `arn` is not a KMS key ARN, or undefined when it is one. */
export function kmsKeyArnProblem(arn: string): string | undefined {
  const m = KMS_KEY_ARN_PATTERN.exec(arn);
  if (!m) {
    if (/^arn:[^:]+:kms:[^:]*:[^:]*:alias\//.test(arn)) {
      return `must be a key ARN, not an alias ARN: resolve the alias with kms:DescribeKey and pass its KeyMetadata.Arn, e.g. ${EXAMPLES.kmsKeyArn}`;
    }
    return `must be a KMS key ARN arn:<partition>:kms:<region>:<12-digit account>:key/<key UUID or mrk-id>, e.g. ${EXAMPLES.kmsKeyArn}`;
  }
  return partitionRegionProblem(m[1], m[2]);
}

/** Returns why `arn` is not an IAM role ARN, or undefined when it is one. */
export function roleArnProblem(arn: string): string | undefined {
  if (!IAM_ROLE_ARN_PATTERN.test(arn)) {
    return `must be an IAM role ARN arn:<partition>:iam::<12-digit account>:role/[path/]<name>, e.g. ${EXAMPLES.roleArn}`;
  }
  return undefined;
}

/** A partition and a region name must belong together (aws-cn ↔ cn-*, aws-us-gov ↔ us-gov-*). */
function partitionRegionProblem(partition: string, region: string): string | undefined {
  const expected = region.startsWith("cn-")
    ? "aws-cn"
    : region.startsWith("us-gov-")
      ? "aws-us-gov"
      : region.startsWith("us-isob-")
        ? "aws-iso-b"
        : region.startsWith("us-iso-")
          ? "aws-iso"
          : region.startsWith("eu-isoe-")
            ? "aws-iso-e"
            : region.startsWith("us-isof-")
              ? "aws-iso-f"
              : region.startsWith("eusc-")
                ? "aws-eusc"
                : "aws";
  return partition === expected ? undefined : `region ${region} belongs to partition ${expected}, not ${partition}: copy the ARN from the KMS console or DescribeKey`;
}

/**
 * Returns why `url` is not a Key Vault URL, or undefined when it is one. Checked on the text as
 * received (after trimming white space), not only on what the WHATWG URL parser makes of it: the
 * parser repairs `https:host`, decodes percent-encoded hosts and drops an empty query, and the
 * stored reference must be exactly what was checked.
 */
export function vaultUrlProblem(url: string): string | undefined {
  const fix = `must be a Key Vault URL https://<vault-name>.<Key Vault DNS suffix>/ such as ${EXAMPLES.vaultUrl} (the vault's "Vault URI")`;
  const text = url.trim();
  if (!/^https:\/\//i.test(text)) return `${fix}; it must start with https:// (only https is allowed)`;
  const authority = text.slice("https://".length).split(/[/?#]/)[0];
  if (authority.includes("@")) return `${fix}; remove the credentials from the URL`;
  if (authority.includes("%")) return `${fix}; write the host without percent-encoding`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return fix;
  }
  if (/[?#]/.test(text) || (parsed.pathname !== "/" && parsed.pathname !== "")) {
    return `${fix}; remove the path, query and fragment (give the vault, not a key)`;
  }
  const host = parsed.hostname.toLowerCase();
  if (LOOPBACK_HOSTS.has(host)) return parsed.port ? undefined : `${fix}; a loopback test vault needs an explicit port`;
  if (parsed.port) return `${fix}; remove the port :${parsed.port} (Key Vault answers on https's default port 443 only)`;
  const suffix = KEY_VAULT_DNS_SUFFIXES.find((s) => host.endsWith(`.${s}`));
  if (!suffix) return `${fix}; the host must end in one of ${KEY_VAULT_DNS_SUFFIXES.join(", ")}`;
  const name = host.slice(0, -(suffix.length + 1));
  // Vault names: 3–24 characters, letters, digits and single hyphens, starting with a letter:
  // https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault
  if (!/^[a-z](?!.*--)[a-z0-9-]{1,22}[a-z0-9]$/.test(name)) {
    return `${fix}; the vault name ${quote(name)} must be 3-24 letters, digits and single hyphens, starting with a letter`;
  }
  return undefined;
}

/**
 * The one stored form of a vault URL that passes `vaultUrlProblem`: trimmed, host in lower case,
 * the default port dropped, one trailing slash. Equal vaults get equal references (and etags).
 */
export function normalizeVaultUrl(url: string): string {
  const parsed = new URL(url.trim());
  return `https://${parsed.hostname.toLowerCase()}${parsed.port ? `:${parsed.port}` : ""}/`;
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`, …). */
export function arnPartition(arn: string): string {
  return arn.split(":")[1] ?? "";
}

/**
 * Returns why a key and a role cannot serve together, or undefined: the platform assumes the role
 * with STS in the key's partition, and a role of another partition cannot be assumed there
 * (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).
 */
export function awsReferenceProblem(keyArn: string, roleArn: string): string | undefined {
  const key = arnPartition(keyArn);
  const role = arnPartition(roleArn);
  if (key === role) return undefined;
  return `must be in the key's partition ${key}, received a role in partition ${role}: create the role in the same partition as the key (arn:${key}:iam::<account>:role/<name>)`;
}

/** True when the vault URL's host is under a Key Vault or Managed HSM DNS suffix. */
export function isKeyVaultHost(host: string): boolean {
  return azureCloudOf(host) !== undefined;
}

/** Returns why `value` is not an ISO-8601 activation date, or undefined when it is one. */
export function activationDateProblem(value: string): string | undefined {
  // A calendar date (midnight UTC) or a date-time with seconds and an explicit zone.
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(value);
  const fix = `must be an ISO-8601 date or date-time with a zone, e.g. "2026-12-01" or ${quote(EXAMPLES.activationDate)}`;
  if (!m) return fix;
  if (m[4] !== undefined && m[7] === undefined) return `${fix}; add a zone such as Z`;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return `${fix}; ${m[1]}-${m[2]}-${m[3]} is not a calendar day`;
  }
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return `${fix}; the time is out of range`;
  const zone = m[7] !== undefined && m[7] !== "Z" ? /^[+-](\d{2}):(\d{2})$/.exec(m[7]) : null;
  // UTC offsets run from -12:00 to +14:00 (https://en.wikipedia.org/wiki/List_of_UTC_offsets).
  if (zone && (Number(zone[1]) > 14 || Number(zone[2]) > 59)) return `${fix}; the zone offset ${m[7]} is out of range (-12:00 to +14:00)`;
  return undefined;
}

/** Parses a valid activation date to epoch milliseconds (calendar dates are midnight UTC). */
export function activationDateMs(value: string): number {
  return Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
}

/** Returns why `value` is not a nickname, or undefined when it is one. */
export function nicknameProblem(value: string): string | undefined {
  if (value.length < 1 || value.length > 64) return `must be 1-64 characters, got ${value.length}`;
  if (/[\p{C}]/u.test(value)) return "must contain only printable characters: remove control and format characters";
  if (value.trim() !== value) return "must not start or end with white space";
  return undefined;
}

/** A KMS key ARN. */
export const KmsKeyArn = formatted(kmsKeyArnProblem, FORMAT_PATTERNS.kmsKeyArn).describe("KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<id>");
/** An IAM role ARN. */
export const RoleArn = formatted(roleArnProblem, FORMAT_PATTERNS.roleArn).describe("IAM role ARN the platform assumes");
/** A Key Vault URL (https, no path). */
export const VaultUrl = formatted(vaultUrlProblem, FORMAT_PATTERNS.vaultUrl).describe("Key Vault URL, e.g. https://contoso.vault.azure.net/");
/** A Microsoft Entra tenant ID. */
export const TenantId = formatted((v) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)
    ? undefined
    : `must be a Microsoft Entra tenant ID (a GUID such as ${EXAMPLES.tenantId}); find it with "az account show --query tenantId"`,
  FORMAT_PATTERNS.tenantId,
).describe("Microsoft Entra tenant ID (GUID)");
/** A Key Vault key name: https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#objects-identifiers-and-versioning */
export const KeyVaultKeyName = formatted((v) =>
  /^[0-9a-zA-Z-]{1,127}$/.test(v) ? undefined : "must be a Key Vault key name: 1-127 letters, digits and hyphens",
  FORMAT_PATTERNS.keyVaultKeyName,
).describe("Key Vault key name");
/** A Key Vault key version: 32 hexadecimal characters. */
export const KeyVaultKeyVersion = formatted((v) =>
  /^[0-9a-fA-F]{32}$/.test(v) ? undefined : "must be a Key Vault key version (32 hexadecimal characters), or be omitted to follow the newest version",
  FORMAT_PATTERNS.keyVaultKeyVersion,
).describe("Key Vault key version; omit for a versionless key");
/** A user-chosen label for the key. */
export const Nickname = formatted(nicknameProblem, FORMAT_PATTERNS.nickname).describe("A label for the key, 1-64 printable characters");
/** An ISO-8601 activation date. */
export const ActivationDate = formatted(activationDateProblem, FORMAT_PATTERNS.activationDate).describe("ISO-8601 date or date-time from which the key is used");
/** A platform account ID. */
export const AccountId = formatted((v) =>
  /^acct-[a-z0-9]{4,60}$/.test(v) ? undefined : 'must be a platform account ID such as "acct-3f9a1c2b7d4e5f60" (POST /v1/accounts returns it)',
  FORMAT_PATTERNS.accountId,
).describe("Platform account ID");
/** Standard base64 text. */
export const Base64 = formatted((v) =>
  v.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(v) ? undefined : "must be standard base64 (A-Z, a-z, 0-9, +, / and = padding)",
  FORMAT_PATTERNS.base64,
).describe("base64");
/** An ISO-8601 timestamp produced by the platform. */
export const Timestamp = z.string().describe("ISO-8601 timestamp");
