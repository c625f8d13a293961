/**
 * The Pulumi package schema of the `ekm` provider, derived from the TypeScript declarations the
 * Node programs use (`ByokConfigurationArgs` and the `ByokConfiguration` class, each component's
 * `ByokKeyArgs` and class, the provider's `ProviderArgs`), which in turn restate the zod schemas
 * of the contract (sdk/types.ts, checked against them by test/unit/sdk/publicTypes.test.ts). So
 * every property, type and description is written once, in TypeScript; this module only reads
 * them with the TypeScript compiler and maps them onto the schema's vocabulary.
 *
 * Schema format: https://www.pulumi.com/docs/iac/using-pulumi/extending-pulumi/schema/
 *
 * Mapping rules:
 * - `pulumi.Input<T>` / `pulumi.Output<T>` are unwrapped (read from the declaration's type node,
 *   where TypeScript still knows the alias); a property declared without `Input` is `plain`.
 * - `string`, `boolean`, `number` (every number of these resources is a count of days, seconds or
 *   bits, so `integer`); a union of string literals is a named enum when the union has a name
 *   (`ByokStatus`), else a plain string listing the values; numeric literals are an integer.
 * - An interface or a union of interfaces (a tagged union such as `ByokKeyConfig`) is a named
 *   object type whose properties are the union of the members' (required where every member
 *   requires them); `Record<string, T>` is a map; arrays are arrays.
 * - A type declared in another package (e.g. azure-native's NetworkRuleSetArgs) is `Any`: the
 *   schema does not depend on the other provider's schema, so SDKs generate without it.
 *
 * Dev-time only (it needs the TypeScript compiler): not part of the built package.
 */
import * as path from "node:path";
import ts from "typescript";

/** A property of the schema. https://www.pulumi.com/docs/iac/using-pulumi/extending-pulumi/schema/#property */
export interface SchemaProperty {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  description?: string;
  plain?: boolean;
  secret?: boolean;
}

/** An object or enum type of the schema. */
export interface SchemaType {
  type: "object" | "string";
  description?: string;
  properties?: Record<string, SchemaProperty>;
  required?: string[];
  enum?: { value: string; name?: string }[];
}

/** The inputs and outputs of one resource, provider or component. */
export interface SchemaResource {
  description?: string;
  isComponent?: boolean;
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs: string[];
  properties: Record<string, SchemaProperty>;
  required: string[];
}

/** Where one resource's declarations are. */
export interface ResourceSource {
  /** The type token, e.g. `ekm:index:ByokConfiguration`. */
  readonly token: string;
  /** The file declaring the args interface and the class (repo-relative). */
  readonly file: string;
  /** The args interface. */
  readonly args: string;
  /** The class whose `Output` properties are the outputs; none for the provider. */
  readonly class?: string;
  readonly isComponent?: boolean;
}

/** A declared type the schema names differently, e.g. `ByokKeyConfigInput` (the Input-wrapped `ByokKeyConfig`) as `ByokKeyConfig`. */
export interface Substitute {
  /** The file that declares (or re-exports) the type, repo-relative. */
  readonly file: string;
  /** Its name there. */
  readonly name: string;
  /** The schema module of the type. */
  readonly module: string;
}

/** What `readResources` found. */
export interface Extracted {
  readonly resources: Record<string, SchemaResource>;
  readonly types: Record<string, SchemaType>;
}

const PASCAL = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The documentation of a symbol: its comment, then `Default: …` from an `@default` tag. */
function docOf(symbol: ts.Symbol, checker: ts.TypeChecker): string | undefined {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  const defaults = symbol
    .getJsDocTags(checker)
    .filter((t) => t.name === "default")
    .map((t) => ts.displayPartsToString(t.text).trim());
  const parts = [text, ...defaults.map((d) => `Default: ${d}.`)].filter((p) => p !== "");
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

/** True when a JSDoc tag `@<name>` is on the symbol. */
function hasTag(symbol: ts.Symbol, checker: ts.TypeChecker, name: string): boolean {
  return symbol.getJsDocTags(checker).some((t) => t.name === name);
}

/** Reads the declarations of `sources` from the program rooted at `repoRoot`. */
export function readResources(repoRoot: string, sources: readonly ResourceSource[], substitutes: Readonly<Record<string, Substitute>> = {}): Extracted {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(repoRoot, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new Error("cannot read tsconfig.json");
  const files = [...sources.map((s) => path.join(repoRoot, s.file)), ...Object.values(substitutes).map((s) => path.join(repoRoot, s.file))];
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const types: Record<string, SchemaType> = {};

  const isExternal = (decl: ts.Declaration | undefined) => decl !== undefined && decl.getSourceFile().fileName.includes(`${path.sep}node_modules${path.sep}`) && !/[\\/]typescript[\\/]lib[\\/]/.test(decl.getSourceFile().fileName);

  /** Removes undefined, null, Promise<T> and OutputInstance<T> members (what `Input<T>` adds). */
  function strip(type: ts.Type): ts.Type[] {
    const members = type.isUnion() ? type.types : [type];
    return members.filter((t) => {
      if (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) return false;
      const name = t.getSymbol()?.getName();
      return name !== "Promise" && name !== "OutputInstance";
    });
  }

  function mapType(type: ts.Type, context: { module: string; name: string; aliasName?: string }): SchemaProperty {
    const alias = type.aliasSymbol?.getName();
    if ((alias === "Input" || alias === "Output") && type.aliasTypeArguments?.[0]) return mapType(type.aliasTypeArguments[0], context);
    const members = strip(type);
    if (members.length === 0) return { $ref: "pulumi.json#/Any" };
    const aliasName = context.aliasName ?? alias;
    if (members.every((t) => t.flags & ts.TypeFlags.BooleanLike)) return { type: "boolean" };
    if (members.every((t) => t.flags & ts.TypeFlags.StringLiteral)) {
      const values = members.map((t) => (t as ts.StringLiteralType).value);
      if (aliasName && members.length > 1) {
        const token = `ekm:${context.module}:${aliasName}`;
        const doc = type.aliasSymbol ? docOf(type.aliasSymbol, checker) : undefined;
        types[token] ??= { type: "string", ...(doc ? { description: doc } : {}), enum: values.map((value) => ({ value, name: value.split(/[^A-Za-z0-9]+/).map(PASCAL).join("") })) };
        return { $ref: `#/types/${token}` };
      }
      return { type: "string", description: `One of ${values.map((v) => JSON.stringify(v)).join(", ")}.` };
    }
    if (members.every((t) => t.flags & ts.TypeFlags.StringLike)) return { type: "string" };
    if (members.every((t) => t.flags & ts.TypeFlags.NumberLike)) return { type: "integer" };
    if (members.length === 1 && checker.isArrayType(members[0])) {
      const [item] = checker.getTypeArguments(members[0] as ts.TypeReference);
      return { type: "array", items: mapType(item, { ...context, aliasName: undefined }) };
    }
    if (members.some((t) => isExternal(t.getSymbol()?.declarations?.[0]) || isExternal(t.aliasSymbol?.declarations?.[0]))) return { $ref: "pulumi.json#/Any" };
    if (members.every((t) => t.flags & ts.TypeFlags.Object)) {
      const index = members.length === 1 ? members[0].getStringIndexType() : undefined;
      if (index && members[0].getProperties().length === 0) return { type: "object", additionalProperties: mapType(index, { ...context, aliasName: undefined }) };
      const symbolName = members.length === 1 ? members[0].getSymbol()?.getName() : undefined;
      const name = aliasName ?? (symbolName && symbolName !== "__type" && symbolName !== "__object" ? symbolName : context.name);
      const token = `ekm:${context.module}:${name}`;
      if (!types[token]) {
        types[token] = { type: "object" }; // placeholder: breaks recursion
        const described = type.aliasSymbol ?? (members.length === 1 ? members[0].getSymbol() : undefined);
        const doc = described ? docOf(described, checker) : undefined;
        types[token] = { ...(doc ? { description: doc } : {}), ...objectType(members, { module: context.module, name }) };
      }
      return { $ref: `#/types/${token}` };
    }
    throw new Error(`schema: cannot map the TypeScript type ${checker.typeToString(type)} of ${context.name} onto the Pulumi schema`);
  }

  /** An object type from one interface or the union of several (a tagged union). */
  function objectType(members: readonly ts.Type[], context: { module: string; name: string }): SchemaType {
    const properties: Record<string, SchemaProperty> = {};
    const requiredIn = new Map<string, number>();
    for (const member of members) {
      for (const prop of member.getProperties()) {
        const name = prop.getName();
        const decl = prop.valueDeclaration ?? prop.declarations?.[0];
        if (!decl) continue;
        const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
        if (!optional) requiredIn.set(name, (requiredIn.get(name) ?? 0) + 1);
        if (properties[name]) continue;
        const mapped = mapType(checker.getTypeOfSymbolAtLocation(prop, decl), { module: context.module, name: `${context.name}${PASCAL(name)}` });
        properties[name] = withDoc(mapped, docOf(prop, checker));
      }
    }
    const required = [...requiredIn].filter(([, n]) => n === members.length).map(([k]) => k);
    return { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
  }

  function withDoc(p: SchemaProperty, doc: string | undefined): SchemaProperty {
    if (!doc) return p;
    return { ...p, description: p.description ? `${doc}\n\n${p.description}` : doc };
  }

  /** The property declared by `member` (an args interface member or a class property). */
  function property(member: ts.PropertySignature | ts.PropertyDeclaration, module: string, owner: string): { name: string; prop: SchemaProperty; required: boolean } {
    const symbol = checker.getSymbolAtLocation(member.name)!;
    const name = symbol.getName();
    const node = member.type;
    if (!node) throw new Error(`schema: ${owner}.${name} has no declared type`);
    let inner: ts.TypeNode = node;
    let wrapped = false;
    let optionalOutput = false;
    if (ts.isTypeReferenceNode(node) && /(^|\.)(Input|Output)$/.test(node.typeName.getText()) && node.typeArguments?.[0]) {
      inner = node.typeArguments[0];
      wrapped = true;
      optionalOutput = /(^|\.)Output$/.test(node.typeName.getText()) && ts.isUnionTypeNode(inner) && inner.types.some((t) => t.kind === ts.SyntaxKind.UndefinedKeyword);
    }
    // A named reference (`ByokStatus`, `AwsByokKeyConfig`) keeps its name for the schema type.
    const refName = ts.isTypeReferenceNode(inner) ? inner.typeName.getText().split(".").pop() : undefined;
    const substitute = refName !== undefined ? substitutes[refName] : undefined;
    const mapped = substitute ? mapType(typeNamed(substitute), { module: substitute.module, name: substitute.name, aliasName: substitute.name }) : mapType(checker.getTypeFromTypeNode(inner), { module, name: `${owner}${PASCAL(name)}`, aliasName: refName && refName !== "Record" ? refName : undefined });
    const prop: SchemaProperty = { ...withDoc(mapped, docOf(symbol, checker)), ...(wrapped ? {} : { plain: true }), ...(hasTag(symbol, checker, "secret") ? { secret: true } : {}) };
    return { name, prop, required: !member.questionToken && !optionalOutput };
  }

  function typeNamed(s: Substitute): ts.Type {
    const source = program.getSourceFile(path.join(repoRoot, s.file));
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    const exported = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((e) => e.getName() === s.name);
    if (!exported) throw new Error(`schema: ${s.file} exports no ${s.name}`);
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    return checker.getDeclaredTypeOfSymbol(symbol);
  }

  function declarationsOf(file: string, name: string): ts.InterfaceDeclaration | ts.ClassDeclaration {
    const source = program.getSourceFile(path.join(repoRoot, file));
    if (!source) throw new Error(`schema: ${file} is not in the program`);
    const found = source.statements.find((s): s is ts.InterfaceDeclaration | ts.ClassDeclaration => (ts.isInterfaceDeclaration(s) || ts.isClassDeclaration(s)) && s.name?.text === name);
    if (!found) throw new Error(`schema: ${file} declares no ${name}`);
    return found;
  }

  const resources: Record<string, SchemaResource> = {};
  for (const source of sources) {
    const module = source.token.split(":")[1];
    const args = declarationsOf(source.file, source.args) as ts.InterfaceDeclaration;
    const inputs = args.members.filter(ts.isPropertySignature).map((m) => property(m, module, source.args.replace(/Args$/, "")));
    const resource: SchemaResource = {
      inputProperties: Object.fromEntries(inputs.map((i) => [i.name, i.prop])),
      requiredInputs: inputs.filter((i) => i.required).map((i) => i.name),
      properties: {},
      required: [],
    };
    if (source.class) {
      const cls = declarationsOf(source.file, source.class) as ts.ClassDeclaration;
      const classSymbol = checker.getSymbolAtLocation(cls.name!)!;
      resource.description = docOf(classSymbol, checker);
      const outputs = cls.members
        .filter((m): m is ts.PropertyDeclaration => ts.isPropertyDeclaration(m) && !m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword))
        .filter((m) => m.type !== undefined && ts.isTypeReferenceNode(m.type) && /(^|\.)Output$/.test(m.type.typeName.getText()))
        .map((m) => property(m, module, source.class!));
      resource.properties = Object.fromEntries(outputs.map((o) => [o.name, withoutPlain(o.prop)]));
      resource.required = outputs.filter((o) => o.required).map((o) => o.name);
    }
    if (source.isComponent) resource.isComponent = true;
    resources[source.token] = resource;
  }
  return { resources, types };
}

function withoutPlain(p: SchemaProperty): SchemaProperty {
  const { plain: _plain, ...rest } = p;
  return rest;
}
