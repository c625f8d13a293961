/**
 * The entry point of the `pulumi-resource-ekm` plugin: the engine starts it (through the
 * `pulumi-resource-ekm` launcher, provider/bin) with the engine's address as an argument, and it
 * prints the port of its gRPC server on stdout.
 */
import * as path from "node:path";
import { engineLog } from "../dynamic-providers/log";
import { serve } from "./configure";
import { ekmProvider } from "./plugin";
import schema from "./schema.json";

/** This package's version: package.json is one folder up from the sources and two from dist/provider. */
function packageVersion(): string {
  for (const up of ["..", path.join("..", "..")]) {
    try {
      const pkg = require(path.join(__dirname, up, "package.json")) as { name?: string; version: string };
      if (pkg.name === "pulumi-ekm") return pkg.version;
    } catch {
      // not this folder
    }
  }
  throw new Error("pulumi-resource-ekm: cannot find the package.json of pulumi-ekm");
}

const version = packageVersion();
const args = process.argv.slice(2);
// The engine's address is the first argument that is not a flag (`--logtostderr`, `-v=9`, `--tracing`).
const address = args.find((a) => !a.startsWith("-"));
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const { provider, configure } = ekmProvider({ version, schema: JSON.stringify(schema), ...(address ? { log: engineLog(address, sdkDir) } : {}) });
serve(provider, args, configure).catch((err: Error) => {
  console.error(`pulumi-resource-ekm: ${err.stack ?? err.message}`);
  process.exit(1);
});
