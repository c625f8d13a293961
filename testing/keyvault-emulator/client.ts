/**
 * A typed client of the emulator's admin API (`/_emulator/…`), for tests and demos: vaults, keys
 * and versions, service principals, data-action grants, faults, and the request log. It trusts
 * the emulator's CA explicitly; it never turns TLS verification off.
 */
import { request } from "node:https";
import type { LoggedRequest } from "./admin";
import type { KeyDataAction } from "./facts";
import type { Fault } from "./faults";
import type { Curve, GrantRecord, KeyOperation, KeyType, VaultSettings } from "./model";

/** How to create a key version through the admin API (bypasses RBAC, like the customer's own administrator). */
export interface EmulatorKeySpec {
  readonly kty?: KeyType;
  readonly key_size?: number;
  readonly crv?: Curve;
  readonly key_ops?: readonly KeyOperation[];
  readonly attributes?: { readonly enabled?: boolean; readonly nbf?: number; readonly exp?: number };
  readonly tags?: Record<string, string>;
}

/** A change to a key version; `null` clears nbf/exp. Times are Unix seconds. */
export interface EmulatorKeyPatch {
  readonly enabled?: boolean;
  readonly nbf?: number | null;
  readonly exp?: number | null;
  readonly keyOps?: readonly KeyOperation[];
  readonly tags?: Record<string, string>;
}

/** A version as the admin API lists it. */
export interface EmulatorKeyVersion {
  readonly version: string;
  readonly kty: KeyType;
  readonly keySize?: number;
  readonly crv?: Curve;
  readonly keyOps: KeyOperation[];
  readonly enabled: boolean;
  readonly nbf?: number;
  readonly exp?: number;
  readonly tags: Record<string, string>;
}

/** Where the emulator is and how to reach its admin API. */
export interface KeyVaultEmulatorClientOptions {
  /** `https://127.0.0.1:<port>`, as printed. */
  readonly url: string;
  readonly adminToken: string;
  /** The emulator's CA certificate (PEM). */
  readonly ca: string;
}

/** An error answer of the admin API. */
export class EmulatorAdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "EmulatorAdminError";
  }
}

/** The admin API client. */
export class KeyVaultEmulatorClient {
  readonly #url: URL;
  readonly #token: string;
  readonly #ca: string;

  constructor(options: KeyVaultEmulatorClientOptions) {
    this.#url = new URL(options.url);
    this.#token = options.adminToken;
    this.#ca = options.ca;
  }

  #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = body === undefined ? "" : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.#url.hostname,
          port: this.#url.port,
          method,
          path: `/_emulator/${path}`,
          ca: this.#ca,
          headers: { authorization: `Bearer ${this.#token}`, "content-type": "application/json", "content-length": Buffer.byteLength(text) },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const raw = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown;
            try {
              parsed = raw === "" ? undefined : JSON.parse(raw);
            } catch {
              parsed = raw;
            }
            if ((res.statusCode ?? 500) >= 400) {
              const error = (parsed as { error?: string } | undefined)?.error ?? raw;
              reject(new EmulatorAdminError(res.statusCode ?? 500, `ekm-keyvault-emulator admin ${method} /_emulator/${path} answered ${res.statusCode}: ${error}`));
            } else resolve(parsed as T);
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`ekm-keyvault-emulator admin ${method} /_emulator/${path} timed out after 30 s`)));
      req.on("error", reject);
      req.end(text);
    });
  }

  /** Creates a vault (or changes its settings): tenant, soft delete, purge protection, retention days. */
  putVault(name: string, settings: Partial<VaultSettings> = {}): Promise<{ name: string; settings: VaultSettings }> {
    return this.#call("PUT", `vaults/${encodeURIComponent(name)}`, settings);
  }

  /** Creates a key, or a new version of it; returns the version and its kid (under the loopback URL). */
  createKey(vault: string, name: string, spec: EmulatorKeySpec = {}): Promise<{ name: string; version: string; kid: string }> {
    return this.#call("POST", `vaults/${encodeURIComponent(vault)}/keys/${encodeURIComponent(name)}`, spec);
  }

  /** Changes a version (the current one when `version` is omitted): enable/disable, nbf/exp, key_ops, tags. */
  updateKey(vault: string, name: string, patch: EmulatorKeyPatch, version?: string): Promise<{ name: string; version: string }> {
    return this.#call("PATCH", `vaults/${encodeURIComponent(vault)}/keys/${encodeURIComponent(name)}${version === undefined ? "" : `/${encodeURIComponent(version)}`}`, patch);
  }

  /** The versions of a key, oldest first. */
  keyVersions(vault: string, name: string): Promise<{ name: string; versions: EmulatorKeyVersion[] }> {
    return this.#call("GET", `vaults/${encodeURIComponent(vault)}/keys/${encodeURIComponent(name)}`);
  }

  /** Removes a key with every version for good (deleted and purged, bypassing soft delete). */
  removeKey(vault: string, name: string): Promise<{ removed: true }> {
    return this.#call("DELETE", `vaults/${encodeURIComponent(vault)}/keys/${encodeURIComponent(name)}`);
  }

  /** Registers an application's service principal in a tenant (client id and secret); returns its object id. */
  registerServicePrincipal(p: { tenantId: string; clientId: string; secret: string }): Promise<{ tenantId: string; clientId: string; objectId: string }> {
    return this.#call("PUT", "service-principals", p);
  }

  /** Removes a service principal: its tokens stop working at once. */
  removeServicePrincipal(objectId: string): Promise<{ removed: true }> {
    return this.#call("DELETE", `service-principals/${encodeURIComponent(objectId)}`);
  }

  /** Grants data actions (or `"*"`: all keys actions) to a principal on a vault, or on one key of it. */
  grant(g: { principalId: string; vault: string; key?: string; actions: readonly KeyDataAction[] | "*" }): Promise<{ grants: GrantRecord[] }> {
    return this.#call("PUT", "grants", g);
  }

  /** Revokes data actions (all, when omitted) from a principal at that scope. */
  revoke(g: { principalId: string; vault: string; key?: string; actions?: readonly KeyDataAction[] }): Promise<{ grants: GrantRecord[] }> {
    return this.#call("DELETE", "grants", g);
  }

  /** Injects a fault: `{kind: "status", status: 429, retryAfterSeconds: 2}`, `{kind: "hang"}`, `{kind: "reset"}`; `count` limits it. */
  injectFault(f: Fault): Promise<{ faults: Fault[] }> {
    return this.#call("PUT", "faults", f);
  }

  /** Ends every fault. */
  clearFaults(): Promise<{ faults: [] }> {
    return this.#call("DELETE", "faults");
  }

  /** The requests answered since the start (or the last clear), oldest first. */
  requests(): Promise<LoggedRequest[]> {
    return this.#call("GET", "requests");
  }

  /** Clears the request log. */
  clearRequests(): Promise<[]> {
    return this.#call("DELETE", "requests");
  }
}
