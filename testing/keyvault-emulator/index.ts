/**
 * The Key Vault emulator's programmatic surface for tests: start it as a process, drive it through
 * its admin API. Neither loads node-forge (only the emulator process does).
 */
export { startKeyVaultEmulator, defaultCliPath, type StartEmulatorOptions, type RunningEmulator } from "./launcher";
export { KeyVaultEmulatorClient, EmulatorAdminError, type EmulatorKeySpec, type EmulatorKeyPatch, type EmulatorKeyVersion, type KeyVaultEmulatorClientOptions } from "./client";
export { KEY_DATA_ACTIONS, ALL_KEY_DATA_ACTIONS, KEY_VAULT_DNS_SUFFIXES, KEY_VAULT_RESOURCE, type KeyDataAction } from "./facts";
export type { Fault, FaultTarget } from "./faults";
export type { LoggedRequest } from "./admin";
