// The pure parts of the Azure path: the key checks and the recovery-level check of the validation
// chain, the modulus size, the options' resolution, the cloud's authority and the call counter's names.
import { expect } from "chai";
import type { KeyVaultKey } from "@azure/keyvault-keys";
import { operationOf } from "../../../../platform/customer-keys/azure/customerKey";
import { authorityHostFor, resolveAzureCustomerKeyOptions, type AzureCustomerKeyOptions, type AzurePipelineRequest } from "../../../../platform/customer-keys/azure/options";
import { keyProblems, modulusBits, recoveryLevelProblem, type KeyProblem } from "../../../../platform/customer-keys/azure/validate";

const VAULT = "https://contoso-byok.vault.azure.net/";
const VERSION = "0123456789abcdef0123456789abcdef";
const ID = `${VAULT}keys/ekm-key/${VERSION}`;
const SET_ATTRIBUTES = `az keyvault key set-attributes --vault-name contoso-byok --name ekm-key --version ${VERSION}`;
const NOW = Date.parse("2026-06-01T00:00:00Z");

/** A modulus of exactly `bits` bits (top bit set). */
function modulus(bits: number, leadingZero = false): Uint8Array {
  const b = Buffer.alloc(bits / 8, 0xab);
  b[0] = 0xc1;
  return new Uint8Array(leadingZero ? Buffer.concat([Buffer.from([0]), b]) : b);
}

/** Get Key's answer for a usable RSA 2048 key, with overrides. */
function key(over: Partial<Omit<KeyVaultKey, "properties">> = {}, props: Partial<KeyVaultKey["properties"]> = {}): KeyVaultKey {
  return {
    id: ID,
    name: "ekm-key",
    keyType: "RSA",
    keyOperations: ["wrapKey", "unwrapKey", "encrypt", "decrypt"],
    key: { kid: ID, kty: "RSA", n: modulus(2048), e: new Uint8Array([1, 0, 1]) },
    ...over,
    properties: { id: ID, name: "ekm-key", vaultUrl: VAULT, version: VERSION, enabled: true, recoveryLevel: "Recoverable", ...props },
  };
}

describe("keyProblems", () => {
  const cases: { when: string; key: KeyVaultKey; problems: KeyProblem[] }[] = [
    { when: "the key is an enabled RSA 2048 key with wrapKey and unwrapKey", key: key(), problems: [] },
    {
      when: "the key is RSA-HSM 3072 inside its nbf/exp window",
      key: key(
        { keyType: "RSA-HSM", key: { kid: ID, kty: "RSA-HSM", n: modulus(3072) } },
        { notBefore: new Date(NOW - 1000), expiresOn: new Date(NOW + 1000) },
      ),
      problems: [],
    },
    { when: "the modulus carries a leading zero byte", key: key({ key: { kid: ID, kty: "RSA", n: modulus(2048, true) } }), problems: [] },
    { when: "key_ops are not reported", key: key({ keyOperations: undefined }), problems: [] },
    {
      when: "the key is disabled",
      key: key({}, { enabled: false }),
      problems: [{ kind: "disabled", message: `key ${ID} is disabled — enable it: ${SET_ATTRIBUTES} --enabled true` }],
    },
    {
      when: "the key expired",
      key: key({}, { expiresOn: new Date(NOW - 1000) }),
      problems: [
        {
          kind: "expired",
          message: `key ${ID} expired on 2026-05-31T23:59:59.000Z — Key Vault wraps no new keys with it: rotate the key, or set a later expiry: ${SET_ATTRIBUTES} --expires <date>`,
        },
      ],
    },
    {
      when: "the key expires exactly now",
      key: key({}, { expiresOn: new Date(NOW) }),
      problems: [
        {
          kind: "expired",
          message: `key ${ID} expired on 2026-06-01T00:00:00.000Z — Key Vault wraps no new keys with it: rotate the key, or set a later expiry: ${SET_ATTRIBUTES} --expires <date>`,
        },
      ],
    },
    {
      when: "the key is not valid yet",
      key: key({}, { notBefore: new Date(NOW + 86_400_000) }),
      problems: [
        {
          kind: "invalid-key",
          message: `key ${ID} is not valid before 2026-06-02T00:00:00.000Z — register it with a later activation date, or: ${SET_ATTRIBUTES} --not-before <now>`,
        },
      ],
    },
    {
      when: "the key is an EC key (its sign/verify ops are not reported again)",
      key: key({ keyType: "EC", keyOperations: ["sign", "verify"], key: { kid: ID, kty: "EC", crv: "P-256" } }),
      problems: [
        { kind: "invalid-key", message: `key ${ID} has key type EC — the platform needs an RSA or RSA-HSM key of 2048, 3072 or 4096 bits to wrap data keys with RSA-OAEP-256` },
      ],
    },
    {
      when: "the key is RSA 1024",
      key: key({ key: { kid: ID, kty: "RSA", n: modulus(1024) } }),
      problems: [
        {
          kind: "invalid-key",
          message:
            `key ${ID} is RSA 1024-bit — the platform needs at least 2048 bits: ` +
            "create a new version with az keyvault key create --vault-name contoso-byok --name ekm-key --kty RSA --size 3072 --ops wrapKey unwrapKey encrypt decrypt",
        },
      ],
    },
    {
      when: "the key reports no modulus",
      key: key({ key: { kid: ID, kty: "RSA" } }),
      problems: [
        {
          kind: "invalid-key",
          message:
            `key ${ID} is RSA of unknown size (no modulus) — the platform needs at least 2048 bits: ` +
            "create a new version with az keyvault key create --vault-name contoso-byok --name ekm-key --kty RSA --size 3072 --ops wrapKey unwrapKey encrypt decrypt",
        },
      ],
    },
    {
      when: "the key does not allow wrapKey",
      key: key({ keyOperations: ["encrypt", "decrypt", "unwrapKey"] }),
      problems: [
        {
          kind: "invalid-key",
          message: `key ${ID} does not allow wrapKey (its key operations are encrypt, decrypt, unwrapKey) — ${SET_ATTRIBUTES} --ops wrapKey unwrapKey encrypt decrypt`,
        },
      ],
    },
    {
      when: "the key allows no operation at all",
      key: key({ keyOperations: [] }),
      problems: [
        {
          kind: "invalid-key",
          message: `key ${ID} does not allow wrapKey, unwrapKey (its key operations are none) — ${SET_ATTRIBUTES} --ops wrapKey unwrapKey encrypt decrypt`,
        },
      ],
    },
    {
      when: "the key is disabled, expired and lacks unwrapKey",
      key: key({ keyOperations: ["wrapKey"] }, { enabled: false, expiresOn: new Date(NOW - 1000) }),
      problems: [
        { kind: "disabled", message: `key ${ID} is disabled — enable it: ${SET_ATTRIBUTES} --enabled true` },
        {
          kind: "expired",
          message: `key ${ID} expired on 2026-05-31T23:59:59.000Z — Key Vault wraps no new keys with it: rotate the key, or set a later expiry: ${SET_ATTRIBUTES} --expires <date>`,
        },
        { kind: "invalid-key", message: `key ${ID} does not allow unwrapKey (its key operations are wrapKey) — ${SET_ATTRIBUTES} --ops wrapKey unwrapKey encrypt decrypt` },
      ],
    },
  ];
  for (const c of cases) {
    it(`${c.problems.length === 0 ? "accepts" : "rejects"} the key when ${c.when}`, () => {
      expect(keyProblems(c.key, NOW)).to.deep.equal(c.problems);
    });
  }
});

describe("recoveryLevelProblem", () => {
  const PURGE = "set properties.enablePurgeProtection: az keyvault update --name contoso-byok --enable-purge-protection true";
  const cases: [string | undefined, string | undefined][] = [
    ["Recoverable", undefined],
    ["CustomizedRecoverable", undefined],
    ["Recoverable+ProtectedSubscription", undefined],
    ["CustomizedRecoverable+ProtectedSubscription", undefined],
    [
      "Recoverable+Purgeable",
      "purge protection is off (recoveryLevel Recoverable+Purgeable): a deleted key could be purged before its retention ends, and all content it protects would be lost — " +
        `${PURGE} (it cannot be turned off again)`,
    ],
    [
      "CustomizedRecoverable+Purgeable",
      "purge protection is off (recoveryLevel CustomizedRecoverable+Purgeable): a deleted key could be purged before its retention ends, and all content it protects would be lost — " +
        `${PURGE} (it cannot be turned off again)`,
    ],
    [
      "Purgeable",
      "soft delete and purge protection are off (recoveryLevel Purgeable): a deleted key is gone at once — " +
        `turn on soft delete (properties.enableSoftDelete) and ${PURGE} (purge protection cannot be turned off again)`,
    ],
    [undefined, `the vault reported no recoveryLevel for the key, so soft delete and purge protection cannot be confirmed — ${PURGE}`],
    ["recoverable", `unknown recoveryLevel "recoverable", so soft delete and purge protection cannot be confirmed — ${PURGE}`],
  ];
  for (const [level, problem] of cases) {
    it(`${problem === undefined ? "accepts" : "rejects"} recoveryLevel ${level ?? "(missing)"}`, () => {
      expect(recoveryLevelProblem(level, VAULT)).to.equal(problem);
    });
  }

  it("names the Managed HSM property for a Managed HSM", () => {
    expect(recoveryLevelProblem("Recoverable+Purgeable", "https://contoso.managedhsm.azure.net/")).to.equal(
      "purge protection is off (recoveryLevel Recoverable+Purgeable): a deleted key could be purged before its retention ends, and all content it protects would be lost — " +
        "set properties.enablePurgeProtection on Managed HSM contoso (it cannot be turned off again)",
    );
  });
});

describe("modulusBits", () => {
  const cases: [string, Uint8Array, number][] = [
    ["a 2048-bit modulus", modulus(2048), 2048],
    ["a 4096-bit modulus", modulus(4096), 4096],
    ["a 2048-bit modulus with a leading zero byte", modulus(2048, true), 2048],
    ["a modulus whose top byte is 0x01", new Uint8Array([0x01, 0xff]), 9],
    ["an empty modulus", new Uint8Array([]), 0],
    ["all zero bytes", new Uint8Array([0, 0]), 0],
  ];
  for (const [what, n, bits] of cases) {
    it(`counts ${bits} bits in ${what}`, () => expect(modulusBits(n)).to.equal(bits));
  }
});

describe("resolveAzureCustomerKeyOptions", () => {
  const base: AzureCustomerKeyOptions = { accountId: "acct-42", vaultUrl: VAULT, tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", keyName: "ekm-key" };

  it("applies the defaults and derives the key id, vault host and authority", () => {
    const o = resolveAzureCustomerKeyOptions({ ...base, vaultUrl: "https://Contoso-BYOK.vault.azure.net" });
    expect(o).to.deep.include({
      vaultUrl: VAULT,
      vaultHost: "contoso-byok.vault.azure.net",
      vaultName: "contoso-byok",
      keyId: `${VAULT}keys/ekm-key`,
      timeoutMs: 2000,
      disableChallengeResourceVerification: false,
      authorityHost: "https://login.microsoftonline.com",
    });
    expect(resolveAzureCustomerKeyOptions({ ...base, keyVersion: VERSION.toUpperCase() }).keyId).to.equal(ID);
  });

  const bad: [string, Partial<AzureCustomerKeyOptions>, string][] = [
    ["a vault URL with a path", { vaultUrl: `${VAULT}keys/ekm-key` }, "vaultUrl must be a Key Vault URL"],
    ["an http vault URL", { vaultUrl: "http://contoso-byok.vault.azure.net/" }, "only https is allowed"],
    ["a tenant that is not a GUID", { tenantId: "contoso.onmicrosoft.com" }, 'tenantId must be a Microsoft Entra tenant ID (a GUID); received "contoso.onmicrosoft.com"'],
    ["a key name with an underscore", { keyName: "ekm_key" }, 'keyName must be a Key Vault key name: 1-127 letters, digits and hyphens; received "ekm_key"'],
    ["a short key version", { keyVersion: "abc" }, 'keyVersion must be 32 hexadecimal characters, or be omitted for a versionless key; received "abc"'],
    ["a zero timeout", { timeoutMs: 0 }, "timeoutMs must be a positive number of milliseconds; received 0"],
  ];
  for (const [what, over, message] of bad) {
    it(`rejects ${what} with a TypeError naming the option`, () => {
      expect(() => resolveAzureCustomerKeyOptions({ ...base, ...over })).to.throw(TypeError, message);
    });
  }
});

describe("authorityHostFor", () => {
  const cases: [string, string][] = [
    ["contoso.vault.azure.net", "https://login.microsoftonline.com"],
    ["contoso.vault.azure.cn", "https://login.chinacloudapi.cn"],
    ["contoso.vault.usgovcloudapi.net", "https://login.microsoftonline.us"],
    ["contoso.managedhsm.usgovcloudapi.net", "https://login.microsoftonline.us"],
    ["127.0.0.1:58443", "https://login.microsoftonline.com"],
  ];
  for (const [host, authority] of cases) {
    it(`uses ${authority} for ${host}`, () => expect(authorityHostFor(host)).to.equal(authority));
  }
});

describe("operationOf", () => {
  const request = (method: string, path: string, authorized = true) =>
    ({
      method,
      url: `https://contoso-byok.vault.azure.net${path}?api-version=2025-07-01`,
      headers: { has: (name: string) => authorized && name.toLowerCase() === "authorization" },
    }) as unknown as Pick<AzurePipelineRequest, "method" | "url" | "headers">;
  const cases: [string, ReturnType<typeof request>, string][] = [
    ["an unauthenticated first request", request("GET", "/keys/ekm-key/", false), "Challenge"],
    ["a versionless Get Key", request("GET", "/keys/ekm-key/"), "GetKey"],
    ["a Wrap Key", request("POST", `/keys/ekm-key/${VERSION}/wrapkey`), "WrapKey"],
    ["an Unwrap Key", request("POST", `/keys/ekm-key/${VERSION}/unwrapkey`), "UnwrapKey"],
    ["anything else", request("DELETE", "/keys/ekm-key"), "DELETE /keys/ekm-key"],
  ];
  for (const [what, req, operation] of cases) {
    it(`names ${what} ${operation}`, () => expect(operationOf(req)).to.equal(operation));
  }
});
