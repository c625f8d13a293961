/**
 * A resource provider plugin that accepts every input and creates nothing, for tests that run
 * the real engine over cloud resources without the cloud's provider plugin (which cannot be
 * downloaded here). `noopProviderBin(["aws"])` makes a folder with a `pulumi-resource-aws`
 * launcher; put it first on PATH and the engine uses it as an ambient plugin
 * (https://www.pulumi.com/docs/iac/concepts/plugins/#ambient-plugins).
 *
 * `check` returns the inputs as given, so a policy pack sees what the program registered (the
 * real provider may add defaults: the policy rules treat an omitted input as the provider's
 * default); `diff` reports no change; `create` echoes the inputs with a fake id; `invoke` fails.
 * A `preview` calls only check (and diff for existing resources).
 *
 * Run as a program: `node --require tsx/cjs noopProvider.ts <engine address>`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "./process";

/** The version the provider reports (the engine prints it next to ambient plugins). */
const VERSION = "0.0.1-noop";

/** A folder with one `pulumi-resource-<name>` launcher per name, each starting this file under the repository's tsx. */
export function noopProviderBin(names: readonly string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ekm-noop-providers-"));
  const tsx = require.resolve("tsx/cjs", { paths: [repoRoot] });
  for (const name of names) {
    const launcher = path.join(dir, `pulumi-resource-${name}`);
    fs.writeFileSync(launcher, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --require ${JSON.stringify(tsx)} ${JSON.stringify(__filename)} "$@"\n`, { mode: 0o755 });
  }
  return dir;
}

if (require.main === module) {
  // Loaded lazily: importing this module for noopProviderBin must not load the SDK's provider server.
  const { main } = require("@pulumi/pulumi/provider") as typeof import("@pulumi/pulumi/provider");
  void main(
    {
      version: VERSION,
      check: async (_urn, _olds, news) => ({ inputs: news }),
      diff: async () => ({ changes: false }),
      create: async (urn, inputs) => ({ id: `noop-${urn.split("::").pop()}`, outs: inputs }),
      update: async (_id, _urn, _olds, news) => ({ outs: news }),
      delete: async () => undefined,
    },
    process.argv.slice(2),
  );
}
