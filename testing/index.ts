/**
 * pulumi-ekm/testing: unit-test Pulumi programs that use the pulumi-ekm components, without
 * clouds or a platform.
 *
 * - `ekmMocks()`: `pulumi.runtime.Mocks` with realistic answers for every resource the
 *   components create, the ByokConfiguration resource and the functions they call; unexpected
 *   calls throw.
 * - `outputValue(o)`: await an Output's value; `outputFailure(o)`: the error it failed with.
 * - `recorded(mocks)`: the resources and calls the mocks saw, by type and name.
 * - `waitForRegistrations()`: wait until every constructed resource has been registered; rejects
 *   with the reason when one failed. Every wait is bounded (`DEFAULT_WAIT_MS`), so a test never
 *   hangs until mocha's timeout.
 *
 * Under mocks nothing calls the network: the platform's trust endpoint is answered by the mocks
 * (`PLATFORM_TRUST_CALL`), and a configured platform URL is ignored.
 */
export { BYOK_CONFIGURATION_TYPE } from "../dynamic-providers/token";
export { ekmMocks, MOCK_PLATFORM_PRINCIPAL, DYNAMIC_RESOURCE_TYPE, type EkmMocksOptions, type MockContext, type ResourceMock, type CallMock } from "./mocks";
export { outputValue, outputFailure, outputDependencies, waitForRegistrations, DEFAULT_WAIT_MS, type WaitOptions } from "./outputs";
export { PLATFORM_TRUST_CALL } from "../components/mocked";
export { recorded, RecordedResources, type RecordedResource, type RecordedCall } from "./recorded";
export { fakeGuid, fakeHex } from "./fakes";
