/**
 * Registers a customer's existing AWS KMS key and role with the platform. Nothing is created
 * in AWS: the key and the role already exist (made by hand, by Terraform, or by `ekm:aws:ByokKey`
 * in another stack). `pulumi up` validates the key with a real round trip and registers it;
 * `pulumi preview --refresh` shows drift; `pulumi destroy` reverts to platform-managed keys.
 *
 * Platform URL and token: stack config `ekm:platformUrl` and secret `ekm:apiToken`, or env
 * EKM_PLATFORM_URL / EKM_API_TOKEN.
 */
import * as pulumi from "@pulumi/pulumi";
import { ByokConfiguration } from "pulumi-ekm";

const config = new pulumi.Config();

const registration = new ByokConfiguration("byok", {
  accountId: config.require("accountId"),
  config: { provider: "aws", aws: { keyArn: config.require("keyArn"), roleArn: config.require("roleArn") } },
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
export const checks = registration.validation.apply((v) => v.checks.map((c) => `${c.name}: ${c.status}`));
