/**
 * The `ekm` provider plugin's `Provider` object (`@pulumi/pulumi/provider`): a thin adapter over
 * the one lifecycle implementation of `ByokConfiguration` (dynamic-providers/operations.ts), which
 * the dynamic resource runs too, plus the two components through `construct`.
 *
 * What differs from the dynamic resource, and is handled here only:
 * - The platform URL and token come from this provider instance's configuration (its arguments,
 *   or stack config `ekm:platformUrl` / `ekm:apiToken` for the default provider, see
 *   ./configure.ts), then from `EKM_PLATFORM_URL` / `EKM_API_TOKEN`.
 * - Inputs may hold wrapped secrets (./secrets.ts); the lifecycle sees plain values.
 * - The engine tells a provider's `check` nothing about whether this is a preview, and this
 *   program cannot pass it as an input the way the dynamic resource does, so `check` dry-runs a
 *   new account or key in every run that checks it (the dynamic resource skips the dry run in the
 *   `up` that follows its preview: there the registration itself validates).
 * - Messages go to the engine's log with the resource's URN, so the CLI shows them under it.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as providerModule from "@pulumi/pulumi/provider";
import * as lifecycle from "../dynamic-providers/operations";
import type { OperationContext } from "../dynamic-providers/operations";
import type { PropertyBag } from "../dynamic-providers/types";
import type { EngineLog } from "../dynamic-providers/log";
import { providerLog } from "../dynamic-providers/log";
import { constructComponent } from "./components";
import type { ProviderConfig } from "./config";
import { unwrapSecrets } from "./secrets";
import { TOKENS } from "./tokens";

/** What the plugin is built from. */
export interface EkmProviderOptions {
  /** The plugin's version (the package's). */
  readonly version: string;
  /** The package schema, as JSON text. */
  readonly schema: string;
  /**
   * Where messages go.
   * @default stderr (the plugin's entry point passes the engine's log)
   */
  readonly log?: EngineLog;
  /**
   * The environment, read when the configuration leaves the URL or the token out.
   * @default process.env at call time
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The provider object, and the setter the `Configure` handler calls. */
export interface EkmProvider {
  readonly provider: providerModule.Provider;
  configure(config: ProviderConfig): void;
}

const bag = (value: unknown): PropertyBag => (unwrapSecrets(value ?? {}) as PropertyBag) ?? {};

/** Builds the provider. */
export function ekmProvider(options: EkmProviderOptions): EkmProvider {
  let config: ProviderConfig = {};
  const context = (urn: string): OperationContext => ({
    config: (key) => config[key],
    ...(options.env ? { env: options.env } : {}),
    info: (message) => (options.log ? options.log("info", message, urn) : providerLog.info(message)),
    warn: (message) => (options.log ? options.log("warn", message, urn) : providerLog.warn(message)),
  });
  const only = (urn: string) => {
    const type = urn.split("::")[2];
    if (type !== TOKENS.byokConfiguration) throw new Error(`the ekm provider has no resource type ${type} (it has ${TOKENS.byokConfiguration}; ${TOKENS.awsByokKey} and ${TOKENS.azureByokKey} are components)`);
  };
  const provider: providerModule.Provider = {
    version: options.version,
    schema: options.schema,
    async check(urn, olds, news) {
      only(urn);
      return lifecycle.check(bag(olds), bag(news), context(urn));
    },
    async diff(id, urn, olds, news) {
      only(urn);
      return lifecycle.diff(id, bag(olds), bag(news));
    },
    async create(urn, inputs) {
      only(urn);
      return lifecycle.create(bag(inputs), context(urn));
    },
    async read(id, urn, props) {
      only(urn);
      return lifecycle.read(id, props === undefined ? undefined : bag(props), context(urn));
    },
    async update(id, urn, olds, news) {
      only(urn);
      return lifecycle.update(id, bag(olds), bag(news), context(urn));
    },
    async delete(id, urn, props) {
      only(urn);
      await lifecycle.remove(id, bag(props), context(urn));
    },
    async construct(name: string, type: string, inputs: pulumi.Inputs, opts: pulumi.ComponentResourceOptions) {
      return constructComponent(name, type, inputs, opts, { schema: options.schema, config });
    },
  };
  return {
    provider,
    configure(next) {
      config = next;
    },
  };
}
