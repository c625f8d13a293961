// The recorded real Azure Key Vault traffic beside the repository (../shared/azure-keyvault-recordings,
// as CI lays it out): loading, and the Swagger schemas of the keys REST spec. Read in place, never copied.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "./process";

/** Where the recordings are: `../shared/azure-keyvault-recordings` from the repository root. */
export function recordingsDir(): string {
  const dir = join(repoRoot, "..", "shared", "azure-keyvault-recordings");
  if (!existsSync(join(dir, "README.md"))) throw new Error(`the Key Vault recordings are missing: expected ${dir} (CI lays shared/ beside the clone)`);
  return dir;
}

/** One recorded exchange (test-proxy "Entries" format). */
export interface RecordedEntry {
  readonly RequestUri: string;
  readonly RequestMethod: string;
  readonly RequestHeaders: Record<string, string>;
  readonly RequestBody: unknown;
  readonly StatusCode: number;
  readonly ResponseHeaders: Record<string, string>;
  readonly ResponseBody: unknown;
}

/** One recording file. */
export interface Recording {
  /** Path relative to the recordings folder. */
  readonly file: string;
  readonly entries: readonly RecordedEntry[];
}

/** Every recording (not the spec), sorted by path. */
export function loadRecordings(): Recording[] {
  const root = recordingsDir();
  const out: Recording[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (relative(root, p) !== "spec") walk(p);
      } else if (name.endsWith(".json")) {
        // Four files have CRLF line endings and some a BOM: parse as JSON, never compare as text.
        const text = readFileSync(p, "utf8").replace(/^\uFEFF/, "");
        out.push({ file: relative(root, p), entries: (JSON.parse(text) as { Entries: RecordedEntry[] }).Entries });
      }
    }
  };
  walk(root);
  return out;
}

/** A header of a recorded exchange, by case-insensitive name. */
export function header(headers: Record<string, string>, name: string): string | undefined {
  const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : headers[k];
}

/** The path of a recorded request URI (host dropped: the recordings sanitize it differently per language). */
export function recordedPath(uri: string): { path: string; query: string } {
  const u = new URL(uri.replace(/^https:\/\/REDACTED/, "https://redacted.vault.azure.net"));
  return { path: u.pathname, query: u.search };
}

/** A Swagger 2.0 schema (the subset the keys spec uses). */
export interface SwaggerSchema {
  readonly $ref?: string;
  readonly type?: string;
  readonly properties?: Record<string, SwaggerSchema>;
  readonly required?: readonly string[];
  readonly items?: SwaggerSchema;
  readonly additionalProperties?: SwaggerSchema | boolean;
  readonly enum?: readonly unknown[];
  readonly allOf?: readonly SwaggerSchema[];
  readonly readOnly?: boolean;
  readonly "x-nullable"?: boolean;
  readonly "x-ms-enum"?: { readonly modelAsString?: boolean };
}

/** The keys spec of one api-version. */
export interface KeysSpec {
  readonly paths: Record<string, Record<string, { responses: Record<string, { schema?: SwaggerSchema }> }>>;
  readonly definitions: Record<string, SwaggerSchema>;
}

/** Loads `spec/<version>/keys.json`. */
export function loadSpec(version: "7.5" | "2025-07-01"): KeysSpec {
  return JSON.parse(readFileSync(join(recordingsDir(), "spec", version, "keys.json"), "utf8")) as KeysSpec;
}

/** The spec path template a request path matches (`/keys/{key-name}/{key-version}/wrapkey`…), versionless paths included. */
export function specPath(spec: KeysSpec, method: string, path: string): string | undefined {
  const segs = path.split("/").filter(Boolean).map((s) => s.toLowerCase());
  const m = method.toLowerCase();
  const candidates = Object.keys(spec.paths).filter((t) => spec.paths[t][m] !== undefined);
  const matches = (t: string, s: string[]) => {
    const ts = t.split("/").filter(Boolean);
    return ts.length === s.length && ts.every((x, i) => x.startsWith("{") || x.toLowerCase() === s[i]);
  };
  const literal = (t: string) => t.split("/").filter((x) => !x.startsWith("{")).length;
  // Prefer the template with most literal segments (/keys/{n}/versions over /keys/{n}/{v}).
  const exact = candidates.filter((t) => matches(t, segs)).sort((a, b) => literal(b) - literal(a));
  if (exact[0]) return exact[0];
  // A versionless call: the template with {key-version}, version omitted.
  return candidates.find((t) => t.includes("{key-version}") && matches(t.replace("/{key-version}", ""), segs));
}

/** The response schema of an operation for a status (the `default` one for errors). */
export function responseSchema(spec: KeysSpec, template: string, method: string, status: number): SwaggerSchema | undefined {
  const responses = spec.paths[template][method.toLowerCase()].responses;
  return (responses[String(status)] ?? (status >= 400 ? responses.default : undefined))?.schema;
}

/** Violations of `schema` by `value` (types, required fields, enums; extra fields are allowed, as Swagger allows them). */
export function validateSchema(spec: KeysSpec, schema: SwaggerSchema, value: unknown, at = "$"): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace("#/definitions/", "");
    const def = spec.definitions[name];
    if (!def) return [`${at}: unknown $ref ${schema.$ref}`];
    return validateSchema(spec, def, value, at);
  }
  const errors: string[] = [];
  for (const part of schema.allOf ?? []) errors.push(...validateSchema(spec, part, value, at));
  if (value === null) return schema["x-nullable"] === false ? [`${at}: null`] : errors;
  const type = schema.type ?? (schema.properties ? "object" : undefined);
  const actual = Array.isArray(value) ? "array" : typeof value;
  if (type === "integer" && !(typeof value === "number" && Number.isInteger(value))) return [`${at}: expected integer, got ${actual}`];
  if (type === "number" && typeof value !== "number") return [`${at}: expected number, got ${actual}`];
  if (type === "string" && typeof value !== "string") return [`${at}: expected string, got ${actual}`];
  if (type === "boolean" && typeof value !== "boolean") return [`${at}: expected boolean, got ${actual}`];
  if (type === "array") {
    if (!Array.isArray(value)) return [`${at}: expected array, got ${actual}`];
    if (schema.items) value.forEach((v, i) => errors.push(...validateSchema(spec, schema.items!, v, `${at}[${i}]`)));
  }
  if (type === "object") {
    if (actual !== "object") return [`${at}: expected object, got ${actual}`];
    const o = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in o)) errors.push(`${at}: missing required ${r}`);
    for (const [k, v] of Object.entries(o)) {
      const p = schema.properties?.[k];
      if (p) errors.push(...validateSchema(spec, p, v, `${at}.${k}`));
      else if (typeof schema.additionalProperties === "object") errors.push(...validateSchema(spec, schema.additionalProperties, v, `${at}.${k}`));
    }
  }
  // Extensible enums (modelAsString) admit values newer than the spec.
  if (schema.enum && schema["x-ms-enum"]?.modelAsString !== true && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  return errors;
}
