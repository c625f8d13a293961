/**
 * A platform team's onboarding program: create a customer's KMS key and the role the platform
 * assumes, then register the key with the platform.
 *
 * Run it with `pulumi up` (stack config `testing-with-mocks:accountId` and
 * `testing-with-mocks:activationDate`, plus `ekm:platformUrl` and secret `ekm:apiToken`), or
 * unit-test it without clouds or a platform: see index.test.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { ByokKey } from "pulumi-ekm/components/aws";
import { ByokConfiguration } from "pulumi-ekm";

const config = new pulumi.Config();
const accountId = config.require("accountId");

// The trust (platform principal and external ID) is read from the platform's trust endpoint.
// Give it explicitly, e.g. when the deploying machine cannot reach the platform, as stack config
// `awsTrust: {principalArn, externalId}`.
const trust = config.getObject<{ principalArn: string; externalId: string }>("awsTrust");

const key = new ByokKey("customer", {
  accountId,
  trust,
  key: { tags: { "ekm:account": accountId } },
  role: { path: "/ekm/" },
});

const registration = new ByokConfiguration("customer-byok", {
  accountId,
  config: key.byokConfig,
  nickname: config.get("nickname") ?? "Production BYOK key",
  activationDate: config.require("activationDate"),
});

// Stack outputs. The test reads them, and finds everything else with recorded(mocks).
export const keyArn = key.keyArn;
export const roleArn = key.roleArn;
export const status = registration.status;
export const effectiveKeySource = registration.effectiveKeySource;
export const byokConfig = key.byokConfig;
