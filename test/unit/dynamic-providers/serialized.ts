// The engine's view of a ByokConfiguration: register it under mocks, take the serialized provider
// out of its inputs (`__provider`), and load that text with require-from-string as the engine's
// pulumi-resource-pulumi-nodejs process does (@pulumi/pulumi/cmd/dynamic-provider/index.js).
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ByokConfiguration, type ByokConfigurationArgs } from "../../../dynamic-providers";
import type { ByokConfigurationProvider } from "../../../dynamic-providers/provider";

/** require-from-string, resolved the way @pulumi/pulumi resolves it. */
const requireFromString = require(
  require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }),
) as (code: string) => { handler: () => ByokConfigurationProvider };

/** What the engine received for one registration. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  /** The inputs, `__provider` included. */
  readonly inputs: Record<string, unknown>;
  /** The serialized provider. */
  readonly providerText: string;
}

const registrations: pulumi.runtime.MockResourceArgs[] = [];

/** Installs mocks that record registrations and throw on any invoke (other suites install their own, so this runs per registration). */
function installMocks(): Promise<void> {
  return pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registrations.push(args);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => {
        throw new Error(`unexpected invoke ${args.token}: the ByokConfiguration resource must not call anything at registration`);
      },
    },
    "ekm-unit",
    "dynamic-providers",
    false,
  );
}

/** Constructs a ByokConfiguration under mocks and returns what the engine received. */
export async function register(name: string, args: ByokConfigurationArgs): Promise<Registered> {
  await installMocks();
  const resource = new ByokConfiguration(name, args);
  await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
  const found = registrations.find((r) => r.name === name);
  if (!found) throw new Error(`${name} was not registered`);
  const providerText = found.inputs.__provider;
  if (typeof providerText !== "string") throw new Error(`__provider of ${name} is not serialized text: ${typeof providerText}`);
  return { type: found.type, name, inputs: found.inputs as Record<string, unknown>, providerText };
}

/**
 * Loads a fresh provider object from its serialized text and configures it with an empty stack
 * config, as the engine does before calling any other method. `configure` installs the methods
 * before its first await, so they are there when this returns.
 */
export function loadProvider(text: string): ByokConfigurationProvider {
  const provider = requireFromString(text).handler();
  void provider.configure({ config: { get: () => undefined, require: (key: string) => { throw new Error(`no stack config ${key}`); } } as never });
  return provider;
}
