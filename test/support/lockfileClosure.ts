// What a set of root dependencies pulls into node_modules, read from npm's package-lock.json
// (lockfileVersion 3) the way Node resolves: a dependency of the package at `a/node_modules/b`
// is looked up in `a/node_modules/b/node_modules`, then `a/node_modules`, then the root.
import * as fs from "node:fs";
import * as path from "node:path";

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly hasInstallScript?: boolean;
  readonly link?: boolean;
  readonly resolved?: string;
}

/** An installed package: its node_modules location and what the lock file says about it. */
export interface InstalledPackage {
  readonly location: string;
  readonly name: string;
  readonly version: string;
  readonly hasInstallScript: boolean;
  /** Bytes of its files, without its nested node_modules. */
  readonly bytes: number;
}

/** Bytes of the files under `dir`, not descending into node_modules. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") total += bytesUnder(p);
    } else if (entry.isFile()) {
      total += fs.statSync(p).size;
    }
  }
  return total;
}

/** The packages reachable from `roots` (names of the root package.json's dependencies) in the install at `root`. */
export function closureOf(root: string, roots: readonly string[]): InstalledPackage[] {
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const resolve = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
      if (!base) return undefined;
      const cut = base.lastIndexOf("/node_modules/");
      base = cut < 0 ? "" : base.slice(0, cut);
    }
  };
  const seen = new Set<string>();
  const visit = (from: string, name: string) => {
    const location = resolve(from, name);
    if (!location || seen.has(location)) return; // an optional dependency or peer that is not installed
    seen.add(location);
    // A `file:` folder dependency is a link to an entry of its own; Node resolves from the link's target.
    const entry = lock.packages[location]!;
    const real = entry.link && entry.resolved ? entry.resolved : location;
    const target = lock.packages[real] ?? entry;
    for (const deps of [target.dependencies, target.optionalDependencies, target.peerDependencies]) {
      for (const dep of Object.keys(deps ?? {})) visit(real, dep);
    }
  };
  for (const name of roots) visit("", name);
  return [...seen].sort().map((location) => {
    const entry = lock.packages[location]!;
    return {
      location,
      name: location.slice(location.lastIndexOf("node_modules/") + "node_modules/".length),
      version: entry.version ?? "",
      hasInstallScript: entry.hasInstallScript === true,
      bytes: bytesUnder(fs.realpathSync(path.join(root, location))),
    };
  });
}

/** The packages `closureOf(root, [...base, ...added])` has beyond `closureOf(root, base)`. */
export function addedBy(root: string, base: readonly string[], added: readonly string[]): InstalledPackage[] {
  const without = new Set(closureOf(root, base).map((p) => p.location));
  return closureOf(root, [...base, ...added]).filter((p) => !without.has(p.location));
}

/** Sum of the packages' bytes, in MB (10^6 bytes, as npm prints sizes). */
export const megabytes = (packages: readonly InstalledPackage[]): number => packages.reduce((sum, p) => sum + p.bytes, 0) / 1e6;
