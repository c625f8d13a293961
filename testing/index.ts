/**
 * pulumi-ekm/testing: unit-test Pulumi programs that use the pulumi-ekm components, without
 * clouds or a platform.
 *
 * - `ekmMocks()`: `pulumi.runtime.Mocks` with realistic answers for every resource the
 *   components create, the ByokConfiguration resource and the functions they call; unexpected
 *   calls throw.
 * - `outputValue(o)`: await an Output's value; `outputFailure(o)`: the error it failed with.
 * - `recorded(mocks)`: the resources and calls the mocks saw, by type and name.
 * - `waitForRegistrations()`: wait until every constructed resource has been registered.
 */
export { BYOK_CONFIGURATION_TYPE } from "../dynamic-providers/token";
export { ekmMocks, DYNAMIC_RESOURCE_TYPE, type EkmMocksOptions, type MockContext, type ResourceMock, type CallMock } from "./mocks";
export { outputValue, outputFailure, outputDependencies, waitForRegistrations } from "./outputs";
export { recorded, RecordedResources, type RecordedResource, type RecordedCall } from "./recorded";
export { fakeGuid, fakeHex } from "./fakes";
