/**
 * The ByokConfiguration dynamic provider: a plain object that Pulumi serializes into the state
 * (`__provider`) and the engine's `pulumi-resource-pulumi-nodejs` process loads again with
 * `require-from-string` to run each operation.
 *
 * Rules of a serialized dynamic provider, and how this module keeps them:
 * - It captures nothing but strings: the paths where the implementation (`./operations`) can be
 *   loaded. Every method `require()`s it at call time, so no client, class, SDK or ESM binding
 *   is serialized, and the text stays small.
 * - A relative `require("./operations")` would not work in the serialized text: it is compiled
 *   from a string with no file name, so relative paths resolve against the process's working
 *   directory. So the absolute path of this package's own `operations` module is resolved now
 *   (`.ts` from source under tsx, `.js` from dist) and captured, with two fallbacks for a state
 *   written on another machine or from TypeScript source: the installed package
 *   (`pulumi-ekm/dynamic-providers/operations`, resolved from the program's node_modules) and
 *   the compiled sibling in `dist/`.
 * - The platform token never enters the state: `configure` keeps the stack config the engine
 *   passes (in the provider process only), and each operation reads `ekm:platformUrl` /
 *   `ekm:apiToken` from it, or `EKM_PLATFORM_URL` / `EKM_API_TOKEN` from the environment.
 *
 * Engine contract (pulumi 3.248, `@pulumi/pulumi/cmd/dynamic-provider/index.js`): the provider is
 * deserialized once per process and `configure({config})` is called once with the stack's
 * configuration (namespaced keys, secrets decrypted); methods are then called on the object.
 *
 * @internal: users construct `ByokConfiguration`; this module is its implementation.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as Operations from "./operations";
import * as path from "node:path";

/**
 * Where the implementation may be loaded from, in order, for a provider module at `file`.
 * @internal
 */
export function operationsCandidates(file: string): string[] {
  const dir = path.dirname(file);
  const ext = path.extname(file) === ".ts" ? ".ts" : ".js";
  const candidates = [path.join(dir, `operations${ext}`), "pulumi-ekm/dynamic-providers/operations"];
  if (ext === ".ts") candidates.push(path.join(path.dirname(dir), "dist", "dynamic-providers", "operations.js"));
  return candidates;
}

/** Captured by value into the serialized provider: plain strings. */
const OPERATIONS_MODULES: readonly string[] = operationsCandidates(__filename);

/**
 * Loads the implementation. Runs inside the serialized provider, where `require` is the
 * require of the module compiled from the state's text.
 */
function loadOperations(): typeof Operations {
  const tried: string[] = [];
  for (const candidate of OPERATIONS_MODULES) {
    // Without a TypeScript loader (the engine's provider process has none), a .ts file cannot load.
    if (candidate.endsWith(".ts") && !(".ts" in require.extensions)) {
      tried.push(`${candidate} (TypeScript source; no TypeScript loader in this process)`);
      continue;
    }
    try {
      return require(candidate) as typeof Operations;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const missing = (e.code === "MODULE_NOT_FOUND" && String(e.message).includes(candidate)) || e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED";
      if (!missing) throw err;
      tried.push(`${candidate} (not found)`);
    }
  }
  throw new Error(
    `pulumi-ekm: cannot load the ByokConfiguration provider's implementation; tried ${tried.join(", ")}. ` +
      "Install pulumi-ekm in the Pulumi program's node_modules, or build it (npm run build) when running from its source",
  );
}

/** The stack config, as `configure` received it; kept on the provider object inside the engine's provider process only. */
interface Configured {
  _stackConfig?: pulumi.dynamic.Config;
}

/** Where the platform settings come from for one call. */
function contextOf(self: Configured): Operations.OperationContext {
  const config = self._stackConfig;
  return { config: (key) => config?.get(`ekm:${key}`) };
}

/**
 * The provider of `ByokConfiguration`; every method delegates to `./operations`.
 * @internal
 */
export type ByokConfigurationProvider = Required<Pick<pulumi.dynamic.ResourceProvider, "configure" | "check" | "diff" | "create" | "read" | "update" | "delete">> &
  Configured;

/**
 * The provider object. Serialized into the state with each ByokConfiguration; keep it free of captured state.
 * @internal
 */
export const byokConfigurationProvider: ByokConfigurationProvider = {
  async configure(req) {
    this._stackConfig = req.config;
  },
  async check(olds, news) {
    return loadOperations().check(olds ?? {}, news, contextOf(this));
  },
  async diff(id, olds, news) {
    return loadOperations().diff(id, olds, news);
  },
  async create(inputs) {
    return loadOperations().create(inputs, contextOf(this));
  },
  async read(id, props) {
    return loadOperations().read(id, props, contextOf(this));
  },
  async update(id, olds, news) {
    return loadOperations().update(id, olds, news, contextOf(this));
  },
  async delete(id, props) {
    return loadOperations().remove(id, props, contextOf(this));
  },
};
