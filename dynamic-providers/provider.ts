/**
 * The ByokConfiguration dynamic provider: a plain object that Pulumi serializes into the state
 * (`__provider`) and the engine's `pulumi-resource-pulumi-nodejs` process loads again with
 * `require-from-string` to run each operation.
 *
 * Rules of a serialized dynamic provider, and how this module keeps them:
 * - It captures nothing but strings: the paths where the implementation (`./operations`) can be
 *   loaded. `configure` `require()`s it in the provider process, so no client, class, SDK or ESM
 *   binding is serialized, and the text stays small.
 * - A relative `require("./operations")` would not work in the serialized text: it is compiled
 *   from a string with no file name, so relative paths resolve against the process's working
 *   directory. So the absolute path of this package's own `operations` module is resolved now
 *   (`.ts` from source under tsx, `.js` from dist) and captured, with two fallbacks for a state
 *   written on another machine or from TypeScript source: the installed package
 *   (`pulumi-ekm/dynamic-providers/operations`, resolved from the program's node_modules) and
 *   the compiled sibling in `dist/`.
 * - The platform token never enters the state: `configure` binds the methods to the stack config
 *   the engine passes (in the provider process only), and each operation reads `ekm:platformUrl` /
 *   `ekm:apiToken` from it, or `EKM_PLATFORM_URL` / `EKM_API_TOKEN` from the environment.
 *
 * Engine contract (@pulumi/pulumi 3.276, `@pulumi/pulumi/cmd/dynamic-provider/index.js`): the provider is
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
  // No extension: Node resolves `operations.js` beside a compiled provider, and `operations.ts`
  // beside the source only where a TypeScript loader registered `.ts`; elsewhere that candidate is
  // simply not found and the next one is tried.
  const candidates = [path.join(dir, "operations"), "pulumi-ekm/dynamic-providers/operations"];
  if (path.extname(file) === ".ts") candidates.push(path.join(path.dirname(dir), "dist", "dynamic-providers", "operations"));
  return candidates;
}

/** Captured by value into the serialized provider: plain strings. */
const MODS: readonly string[] = operationsCandidates(__filename);

/**
 * The provider's methods, as `configure` installs them.
 * @internal
 */
export type ByokConfigurationProvider = Required<Pick<pulumi.dynamic.ResourceProvider, "configure" | "check" | "diff" | "create" | "read" | "update" | "delete">>;

/**
 * The provider object, serialized into the state with each ByokConfiguration. It holds one
 * method: the engine calls `configure` once, right after deserializing it and before any other
 * method (`@pulumi/pulumi/cmd/dynamic-provider/index.js`, getProvider), and `configure` installs
 * check, diff, create, read, update and delete from `./operations`, bound to the stack config.
 * So the serialized text is one small function and the module paths, about 1 KB, instead of a
 * wrapper per method; every resource's state carries it and the engine rewrites the state after
 * each step. Runs inside the serialized provider, where `require` is the require of the module
 * compiled from the state's text.
 * @internal
 */
// The body keeps no comments: the compiled function's text is what gets serialized. Only "this
// candidate is not there" moves on to the next one; an error inside the module is the answer.
export const byokConfigurationProvider = {
  async configure(req: pulumi.dynamic.ConfigureRequest) {
    for (const m of MODS)
      try {
        return void Object.assign(this, (require(m) as typeof Operations).methods(req.config));
      } catch (e) {
        if (!(e as Error).message?.startsWith(`Cannot find module '${m}'`)) throw e;
      }
    throw new Error(`pulumi-ekm: cannot load ${MODS}: npm install pulumi-ekm (or npm run build)`);
  },
} as unknown as ByokConfigurationProvider;
