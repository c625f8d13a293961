/**
 * The whole Pulumi package schema of `ekm`: the metadata from package.json, the provider's
 * configuration, `ekm:index:ByokConfiguration` and the two components, each read from its
 * TypeScript declarations (./fromTypes.ts). `provider/schema.json` is this function's output,
 * committed; test/unit/provider/schema.test.ts fails when the two differ.
 *
 * Regenerate: `npm run schema`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TOKENS } from "../tokens";
import { readResources, type SchemaProperty, type SchemaResource, type SchemaType } from "./fromTypes";


/** The schema document. https://www.pulumi.com/docs/iac/using-pulumi/extending-pulumi/schema/ */
export interface PackageSchema {
  name: string;
  displayName: string;
  version: string;
  description: string;
  keywords: string[];
  license: string;
  repository?: string;
  publisher: string;
  meta: { moduleFormat: string; supportPack: boolean };
  config: { variables: Record<string, SchemaProperty> };
  provider: SchemaResource;
  resources: Record<string, SchemaResource>;
  types: Record<string, SchemaType>;
  language: Record<string, unknown>;
}

/** The schema, generated from the sources under `repoRoot`. */
export function packageSchema(repoRoot: string): PackageSchema {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string; description: string; license: string; repository?: string | { url: string } };
  const { resources, types } = readResources(
    repoRoot,
    [
      { token: "pulumi:providers:ekm", file: "provider/config.ts", args: "ProviderArgs" },
      { token: TOKENS.byokConfiguration, file: "dynamic-providers/byokConfiguration.ts", args: "ByokConfigurationArgs", class: "ByokConfiguration" },
      { token: TOKENS.awsByokKey, file: "components/aws/byokKey.ts", args: "ByokKeyArgs", class: "ByokKey", isComponent: true },
      { token: TOKENS.azureByokKey, file: "components/azure/byokKey.ts", args: "ByokKeyArgs", class: "ByokKey", isComponent: true },
    ],
    {
      // The resource takes the key as Inputs and outputs it plain; the components output one cloud's variant: one type for all.
      ByokKeyConfigInput: { file: "sdk/types.ts", name: "ByokKeyConfig", module: "index" },
      AwsByokKeyConfig: { file: "sdk/types.ts", name: "ByokKeyConfig", module: "index" },
      AzureByokKeyConfig: { file: "sdk/types.ts", name: "ByokKeyConfig", module: "index" },
    },
  );
  const { "pulumi:providers:ekm": provider, ...rest } = resources;
  const repository = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  return {
    name: "ekm",
    displayName: "Enterprise Key Management",
    version: pkg.version,
    description: pkg.description,
    keywords: ["pulumi", "ekm", "byok", "kms", "key-vault", "category/security"],
    license: pkg.license,
    ...(repository ? { repository } : {}),
    publisher: "pulumi-ekm",
    // supportPack: the generated Go SDK is a module of its own (provider-sdks/go/go.mod), and the
    // other SDKs carry the schema's version. https://github.com/pulumi/pulumi/blob/master/pkg/codegen/schema/pulumi.json
    meta: { moduleFormat: "(.*)", supportPack: true },
    config: { variables: provider.inputProperties },
    provider: { ...provider, description: "The ekm provider: the platform URL and API token its resources call the platform with." },
    resources: rest,
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
    language: {
      nodejs: { packageName: "@pulumi-ekm/ekm", respectSchemaVersion: true },
      python: { packageName: "pulumi_ekm", respectSchemaVersion: true, pyproject: { enabled: true } },
      // The Go SDK's import path names its folder in this repository (provider-sdks/go/ekm).
      go: { importBasePath: "github.com/pulumi-ekm/pulumi-ekm/provider-sdks/go/ekm", generateResourceContainerTypes: true, respectSchemaVersion: true },
      csharp: { rootNamespace: "PulumiEkm", respectSchemaVersion: true },
    },
  };
}

/** The text of provider/schema.json: the schema as indented JSON with a final newline. */
export function schemaText(repoRoot: string): string {
  return `${JSON.stringify(packageSchema(repoRoot), null, 2)}\n`;
}
