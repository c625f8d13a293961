/**
 * The whole AWS customer side in one `pulumi up`: `ekm:aws:ByokKey` creates the KMS key
 * (rotation on, 90 days), the IAM role that trusts the platform with the account's external ID
 * (read from the platform's trust endpoint) and the least-privilege role policy; then
 * `ByokConfiguration` registers the key with the platform, which validates it with a real round
 * trip.
 */
import * as pulumi from "@pulumi/pulumi";
import { ByokKey } from "pulumi-ekm/components/aws";
import { ByokConfiguration } from "pulumi-ekm";

const config = new pulumi.Config();
const accountId = config.require("accountId");

const key = new ByokKey("customer", {
  accountId,
  key: { alias: `alias/ekm-${accountId}`, description: `BYOK key of platform account ${accountId}` },
  role: { namePrefix: "ekm-platform-" },
});

const registration = new ByokConfiguration("byok", {
  accountId,
  config: key.byokConfig,
  nickname: config.get("nickname") ?? "Production BYOK key",
  activationDate: config.get("activationDate") ?? "2026-01-01",
});

export const keyArn = key.keyArn;
export const roleArn = key.roleArn;
export const rolePolicy = key.policyDocument;
export const status = registration.status;
export const effectiveKeySource = registration.effectiveKeySource;
