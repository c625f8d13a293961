/**
 * What the components do under Pulumi's mocks (`pulumi.runtime.setMocks`, unit tests): they ask
 * the mocks, never the network. The platform's trust endpoint becomes the function call
 * `PLATFORM_TRUST_CALL`, answered by `ekmMocks()` (or by the test's own `Mocks.call`), and a
 * platform URL configured in the stack config or the environment is ignored, so a unit test
 * neither depends on a platform nor hangs on one.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * The function token the components call under mocks instead of
 * `GET /v1/accounts/{accountId}/key-management/trust`. Arguments `{accountId}`; the answer has
 * the trust endpoint's shape `{accountId, aws: {principalArn, externalId} | null, azure: {applicationId} | null}`.
 */
export const PLATFORM_TRUST_CALL = "ekm:platform:getTrust";

/**
 * True while the program runs under `pulumi.runtime.setMocks`. The SDK marks a mocked runtime by
 * its monitor, an instance of its `MockMonitor`; the name is compared rather than the class so
 * that a second copy of @pulumi/pulumi in node_modules is recognised too.
 */
export function underMocks(): boolean {
  const monitor = pulumi.runtime.getMonitor() as { constructor?: { name?: string }; mocks?: unknown } | undefined;
  return monitor?.constructor?.name === "MockMonitor" && typeof monitor.mocks === "object";
}
