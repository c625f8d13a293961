/** The local reference platform (for tests, examples and the demo). */
export { Platform, defaultSettings, type PlatformOptions } from "./platform";
export { startPlatform, type StartOptions, type RunningPlatform } from "./start";
export { ManualClock, systemClock, DAY_MS, type Clock } from "./clock";
export type { CustomerKeyFactory, PlatformSettings, Logger } from "./context";
export { defaultCustomerKeys, type CustomerKeyOverrides } from "./byok/customerKeys";
