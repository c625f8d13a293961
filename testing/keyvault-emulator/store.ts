/**
 * The state file in the data directory: loaded at start, rewritten atomically after every change,
 * so a restart (or a kill -9) is an outage, never a loss of keys.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./atomicFile";
import type { EmulatorState, KeyRecord, VaultRecord, VaultSettings } from "./model";

const STATE_FILE = "state.json";

/** The vault served on 127.0.0.1 and localhost (a vault URL with no vault name in it). */
export const DEFAULT_VAULT = "default";

/** The tenant of vaults created without one. */
export const DEFAULT_TENANT = "00000000-0000-0000-0000-0000000000e7";

/** Settings of a vault created without any: soft delete and purge protection on, 90 days (Azure's defaults since 2025). */
export const DEFAULT_VAULT_SETTINGS: Readonly<VaultSettings> = { tenantId: DEFAULT_TENANT, softDelete: true, purgeProtection: true, recoverableDays: 90 };

/** The state and its file. */
export class Store {
  readonly state: EmulatorState;
  readonly #path: string;

  constructor(dataDir: string) {
    this.#path = join(dataDir, STATE_FILE);
    if (existsSync(this.#path)) {
      const parsed = JSON.parse(readFileSync(this.#path, "utf8")) as EmulatorState;
      if (parsed.format !== 1) throw new Error(`${this.#path}: format ${String(parsed.format)} is not supported (expected 1) — use a new --data-dir`);
      this.state = parsed;
    } else {
      this.state = { format: 1, tokenSecret: randomBytes(32).toString("base64url"), vaults: {}, servicePrincipals: [], grants: [] };
    }
    this.ensureVault(DEFAULT_VAULT);
  }

  /** Writes the state file (atomically). */
  save(): void {
    writeFileAtomic(this.#path, JSON.stringify(this.state));
  }

  /** The vault named `name` (case-insensitive). */
  vault(name: string): VaultRecord | undefined {
    return this.state.vaults[name.toLowerCase()];
  }

  /** Creates the vault unless it exists; returns it. */
  ensureVault(name: string, settings: Partial<VaultSettings> = {}): VaultRecord {
    const id = name.toLowerCase();
    const existing = this.state.vaults[id];
    if (existing) return existing;
    const vault: VaultRecord = { name: id, settings: { ...DEFAULT_VAULT_SETTINGS, ...settings }, keys: {}, deleted: {} };
    this.state.vaults[id] = vault;
    this.save();
    return vault;
  }

  /** A key of a vault (case-insensitive). */
  key(vault: VaultRecord, name: string): KeyRecord | undefined {
    return vault.keys[name.toLowerCase()];
  }
}
