/**
 * The type token of the ByokConfiguration resource. A dynamic resource's token is
 * `pulumi-nodejs:dynamic/<module>:<name>` (the last two arguments of `pulumi.dynamic.Resource`);
 * this module has no imports so the testing kit can share the constant without loading the resource.
 */

/**
 * The module part of the token. Exported for tools that register a comparable dynamic resource (the benchmark's no-op).
 * @internal
 */
export const BYOK_CONFIGURATION_MODULE = "ekm";

/**
 * The name part of the token.
 * @internal
 */
export const BYOK_CONFIGURATION_NAME = "ByokConfiguration";

/** The type token of every ByokConfiguration resource, as the engine, the state and `recorded(mocks)` show it. */
export const BYOK_CONFIGURATION_TYPE = `pulumi-nodejs:dynamic/${BYOK_CONFIGURATION_MODULE}:${BYOK_CONFIGURATION_NAME}` as const;
