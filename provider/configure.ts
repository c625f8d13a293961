/**
 * Serves a provider with `@pulumi/pulumi/provider`'s `main`, and fills two gaps of that host.
 *
 * The Node provider host of @pulumi/pulumi (3.276, `provider/server.js`):
 * - answers the engine's `Configure` call itself (accept secrets, resources, outputs) and passes
 *   nothing to the `Provider` object, whose interface has no `configure`. A provider whose
 *   resources need the provider instance's arguments (here `platformUrl` and the secret
 *   `apiToken`, which differ per explicit provider instance) must read them from that call;
 * - does not say it supports previews, and its `create` / `update` ignore the request's `preview`
 *   flag: were it to say so, a preview would create for real.
 *
 * So `serve` wraps the gRPC service implementation while `main` registers it: `Configure` first
 * passes the request's variables to `onConfigure`, then answers as the host does plus
 * `supportsPreview: true`; `Create` and `Update` with `preview: true` are answered by `previews`
 * (https://github.com/pulumi/pulumi/blob/master/proto/pulumi/provider.proto, `preview`). Every
 * other call is the host's own.
 *
 * The engine starts one plugin process per provider instance (the default one and each explicit
 * provider resource), so one process holds one configuration.
 * https://www.pulumi.com/docs/iac/concepts/resources/providers/#explicit-provider-configuration
 */
import * as path from "node:path";
import type * as providerModule from "@pulumi/pulumi/provider";
import { providerConfigOf, type ProviderConfig } from "./config";
import type { Previews } from "./plugin";

/** The parts of a grpc-js `Server` used here. */
interface GrpcServer {
  addService(service: Record<string, { path: string }>, implementation: Record<string, unknown>): void;
}

/** A protobuf Struct as the generated code exposes it. */
interface Struct {
  toJavaScript(): unknown;
}

/** The fields of the requests read here (generated `provider_pb` getters). */
interface Request {
  getVariablesMap(): { toObject(): [string, string][] };
  getPreview(): boolean;
  getUrn(): string;
  getId(): string;
  getProperties(): Struct;
  getOlds(): Struct;
  getNews(): Struct;
}

/** A gRPC unary handler. */
type Handler = (call: { request: Request }, callback: (err: unknown, value?: unknown) => void) => void;

/** The generated messages used to answer. */
interface Messages {
  CreateResponse: new () => { setId(id: string): void; setProperties(s: unknown): void };
  UpdateResponse: new () => { setProperties(s: unknown): void };
}

/**
 * Runs `main(provider, args)` of the @pulumi/pulumi installed beside this package, calling
 * `onConfigure` with the configuration of each `Configure` call before it is answered, and
 * `previews` for the previews of `Create` and `Update`.
 */
export async function serve(provider: providerModule.Provider, args: string[], onConfigure: (config: ProviderConfig) => void, previews: Previews): Promise<void> {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const load = (id: string): unknown => require(require.resolve(id, { paths: [sdkDir] }));
  const grpc = load("@grpc/grpc-js") as { Server: { prototype: GrpcServer } };
  const messages = load(path.join(sdkDir, "proto", "provider_pb.js")) as Messages;
  const { Struct } = load("google-protobuf/google/protobuf/struct_pb.js") as { Struct: { fromJavaScript(v: unknown): unknown } };
  const { main } = require("@pulumi/pulumi/provider") as typeof providerModule;

  const original = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: GrpcServer, service, implementation) {
    if (service.configure?.path === "/pulumirpc.ResourceProvider/Configure") {
      const host = (name: string) => (implementation[name] as Handler).bind(implementation);
      const [configure, create, update] = [host("configure"), host("create"), host("update")];
      // Own properties shadow the host's methods; grpc-js binds each handler to the implementation object.
      implementation.configure = ((call, callback) => {
        try {
          onConfigure(providerConfigOf(new Map(call.request.getVariablesMap().toObject())));
        } catch (err) {
          callback(err);
          return;
        }
        configure(call, (err, response) => {
          (response as { setSupportspreview?(v: boolean): void } | undefined)?.setSupportspreview?.(true);
          callback(err, response);
        });
      }) satisfies Handler;
      implementation.create = ((call, callback) => {
        const req = call.request;
        if (!req.getPreview()) return create(call, callback);
        previews.create(req.getUrn(), req.getProperties().toJavaScript()).then((outs) => {
          const resp = new messages.CreateResponse();
          resp.setId("");
          resp.setProperties(Struct.fromJavaScript(outs));
          callback(null, resp);
        }, callback);
      }) satisfies Handler;
      implementation.update = ((call, callback) => {
        const req = call.request;
        if (!req.getPreview()) return update(call, callback);
        previews.update(req.getId(), req.getUrn(), req.getOlds().toJavaScript(), req.getNews().toJavaScript()).then((outs) => {
          const resp = new messages.UpdateResponse();
          resp.setProperties(Struct.fromJavaScript(outs));
          callback(null, resp);
        }, callback);
      }) satisfies Handler;
    }
    return original.call(this, service, implementation);
  };
  try {
    await main(provider, args);
  } finally {
    grpc.Server.prototype.addService = original;
  }
}
