/**
 * The Azure customer side: `ekm:azure:ByokKey` creates a resource group, a Key Vault (RBAC
 * authorization, soft delete, purge protection), an RSA 3072 key with a P90D rotation policy,
 * and a custom role with exactly the documented data actions assigned to the platform's
 * service principal on the key. `ByokConfiguration` then registers the versionless key, so the
 * platform follows rotation.
 */
import * as pulumi from "@pulumi/pulumi";
import { ByokKey } from "pulumi-ekm/components/azure";
import { ByokConfiguration } from "pulumi-ekm";

const config = new pulumi.Config();
const accountId = config.require("accountId");

const key = new ByokKey("customer", {
  location: "westeurope",
  platformPrincipalId: config.require("platformPrincipalId"),
  vault: { name: config.require("vaultName") },
});

const registration = new ByokConfiguration("byok", {
  accountId,
  config: key.byokConfig,
  nickname: "Azure BYOK key",
  activationDate: config.get("activationDate") ?? "2026-01-01",
});

export const vaultUrl = key.vaultUrl;
export const keyId = key.keyId;
export const status = registration.status;
