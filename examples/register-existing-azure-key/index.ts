/**
 * Registers a customer's existing Azure Key Vault key with the platform. Nothing is created in
 * Azure: the vault, the key and the platform's role assignment on it already exist (made in the
 * portal, by Terraform, or by `ekm:azure:ByokKey` in another stack). `pulumi up` validates the key
 * with a real round trip (read, wrapKey, unwrapKey) and registers it; `pulumi preview --refresh`
 * shows drift; `pulumi destroy` reverts to platform-managed keys.
 *
 * Without `keyVersion` the key is versionless: the platform wraps new data keys with the key's
 * newest version, so a rotation in Key Vault needs no change here. With it, the platform uses
 * exactly that version until you change it.
 *
 * Platform URL and token: stack config `ekm:platformUrl` and secret `ekm:apiToken`, or env
 * EKM_PLATFORM_URL / EKM_API_TOKEN.
 */
import * as pulumi from "@pulumi/pulumi";
import { ByokConfiguration } from "pulumi-ekm";

const config = new pulumi.Config();
// An empty keyVersion (the Pulumi.yaml default) means versionless.
const pinnedVersion = config.get("keyVersion") || undefined;

const registration = new ByokConfiguration("byok", {
  accountId: config.require("accountId"),
  config: {
    provider: "azure",
    azure: { vaultUrl: config.require("vaultUrl"), tenantId: config.require("tenantId"), keyName: config.require("keyName"), ...(pinnedVersion ? { keyVersion: pinnedVersion } : {}) },
  },
  nickname: config.get("nickname") ?? "Production BYOK key",
  activationDate: config.get("activationDate") ?? "2026-01-01",
  adoptExisting: config.getBoolean("adoptExisting") ?? false,
  // Only when the key is gone for good: lets destroy revert anyway, giving up the data it alone unwraps.
  forceRevertOnDelete: config.getBoolean("forceRevertOnDelete") ?? false,
});

export const accountId = registration.accountId;
export const nickname = registration.nickname;
export const status = registration.status;
export const effectiveKeySource = registration.effectiveKeySource;
export const platformKeyVersion = registration.platformKeyVersion;
export const keyVersionInUse = registration.keyVersionInUse;
export const fallback = registration.fallback;
export const checks = registration.validation.apply((v) => v.checks.map((c) => `${c.name}: ${c.status}`));
