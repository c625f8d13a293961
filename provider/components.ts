/**
 * `ekm:aws:ByokKey` and `ekm:azure:ByokKey` as multi-language components: the provider's
 * `construct` builds the same TypeScript component a Node program does, inside the plugin, and
 * hands its outputs back to the program (https://www.pulumi.com/docs/iac/concepts/resources/components/#multi-language-components).
 *
 * - Each component's module, and the root of @pulumi/pulumi, is loaded on the first `construct`
 *   only: the plugin starts without @pulumi/aws or @pulumi/azure-native (a program that uses one
 *   cloud needs only that cloud's package beside the plugin), and without the SDK's root module,
 *   which takes seconds to load (automation API included) where `@pulumi/pulumi/provider` alone
 *   is what serving `ByokConfiguration` needs.
 * - The outputs handed back are the properties the schema declares for the component, read
 *   from the instance: the schema is the one list.
 * - The component reads the trust endpoint with the platform connection; inside the plugin the
 *   provider instance's configuration is that connection, so it is put into the construct's
 *   config where the program's stack config does not set it.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ConstructResult } from "@pulumi/pulumi/provider";
import type { ProviderConfig } from "./config";
import { TOKENS } from "./tokens";

/** A component class, as construct needs it. */
type ComponentClass = new (name: string, args: never, opts?: pulumi.ComponentResourceOptions) => pulumi.ComponentResource;

/** Where each component is implemented (loaded on demand). */
const COMPONENTS: Readonly<Record<string, () => ComponentClass>> = {
  [TOKENS.awsByokKey]: () => (require("../components/aws/byokKey") as { ByokKey: ComponentClass }).ByokKey,
  [TOKENS.azureByokKey]: () => (require("../components/azure/byokKey") as { ByokKey: ComponentClass }).ByokKey,
};

/** What construct needs besides the request. */
export interface ConstructContext {
  /** The package schema, as JSON text (its `resources[type].properties` are the outputs). */
  readonly schema: string;
  /** The provider instance's configuration. */
  readonly config: ProviderConfig;
}

/** Builds the component `type` named `name` from `inputs`, and its outputs. */
export async function constructComponent(name: string, type: string, inputs: pulumi.Inputs, opts: pulumi.ComponentResourceOptions, context: ConstructContext): Promise<ConstructResult> {
  const load = COMPONENTS[type];
  if (!load) throw new Error(`the ekm provider has no component ${type}; it has ${Object.keys(COMPONENTS).join(" and ")}`);
  let Component: ComponentClass;
  try {
    Component = load();
  } catch (err) {
    const needs = type === TOKENS.awsByokKey ? "@pulumi/aws" : "@pulumi/azure-native";
    throw new Error(`${type} needs ${needs} beside the ekm plugin: install it where pulumi-ekm is installed (npm install ${needs}); loading it failed: ${(err as Error).message}`);
  }
  const sdk = require("@pulumi/pulumi") as typeof pulumi;
  const ekm = new sdk.Config("ekm");
  for (const [key, value] of Object.entries(context.config)) {
    if (value !== undefined && ekm.get(key) === undefined) sdk.runtime.setConfig(`ekm:${key}`, value);
  }
  const component = new Component(name, inputs as never, opts);
  const outputs = (JSON.parse(context.schema) as { resources: Record<string, { properties: Record<string, unknown> }> }).resources[type].properties;
  const instance = component as unknown as Record<string, pulumi.Input<unknown>>;
  return { urn: component.urn, state: Object.fromEntries(Object.keys(outputs).map((k) => [k, instance[k]])) };
}
