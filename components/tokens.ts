/**
 * The type tokens of the ByokKey components, in a module with no imports so the policy pack can
 * name them without loading @pulumi/aws or @pulumi/azure-native.
 */

/** The type token of `ekm:aws:ByokKey` (components/aws). */
export const AWS_BYOK_KEY_TYPE = "ekm:aws:ByokKey";

/** The type token of `ekm:azure:ByokKey` (components/azure). */
export const AZURE_BYOK_KEY_TYPE = "ekm:azure:ByokKey";
