/**
 * Serves a provider with `@pulumi/pulumi/provider`'s `main`, and hands it the configuration of its
 * provider instance.
 *
 * The Node provider host of @pulumi/pulumi (3.276, `provider/server.js`) answers the engine's
 * `Configure` call itself (accept secrets, resources, outputs) and passes nothing to the
 * `Provider` object: its interface has no `configure`. A provider whose resources need the
 * provider instance's arguments (here `platformUrl` and the secret `apiToken`, which differ per
 * explicit provider instance) must read them from that call. So `serve` wraps the gRPC service
 * implementation while `main` registers it: `Configure` first passes the request's variables to
 * `onConfigure`, then answers exactly as the host does. Every other call is the host's own.
 *
 * The engine starts one plugin process per provider instance (the default one and each explicit
 * `new ekm.Provider(...)`), so one process holds one configuration.
 * https://www.pulumi.com/docs/iac/concepts/resources/providers/#explicit-provider-configuration
 */
import * as path from "node:path";
import type * as providerModule from "@pulumi/pulumi/provider";
import { providerConfigOf, type ProviderConfig } from "./config";

/** The parts of a grpc-js `Server` used here. */
interface GrpcServer {
  addService(service: Record<string, { path: string }>, implementation: Record<string, unknown>): void;
}

/** A gRPC unary handler. */
type Handler = (call: { request: { getVariablesMap(): { toObject(): [string, string][] } } }, callback: (err: unknown, value?: unknown) => void) => void;

/**
 * Runs `main(provider, args)` of the @pulumi/pulumi installed beside this package, calling
 * `onConfigure` with the configuration of each `Configure` call before it is answered.
 */
export async function serve(provider: providerModule.Provider, args: string[], onConfigure: (config: ProviderConfig) => void): Promise<void> {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] })) as { Server: { prototype: GrpcServer } };
  const { main } = require("@pulumi/pulumi/provider") as typeof providerModule;
  const original = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: GrpcServer, service, implementation) {
    if (service.configure?.path === "/pulumirpc.ResourceProvider/Configure" && typeof implementation.configure === "function") {
      const answer = (implementation.configure as Handler).bind(implementation);
      const configure: Handler = (call, callback) => {
        try {
          onConfigure(providerConfigOf(new Map(call.request.getVariablesMap().toObject())));
        } catch (err) {
          callback(err);
          return;
        }
        answer(call, callback);
      };
      // An own property shadows the host's method; grpc-js binds each handler to the implementation object.
      implementation.configure = configure;
    }
    return original.call(this, service, implementation);
  };
  try {
    await main(provider, args);
  } finally {
    grpc.Server.prototype.addService = original;
  }
}
