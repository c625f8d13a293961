/**
 * Secret values as a provider plugin receives them. The Node provider host answers `Configure`
 * with `acceptSecrets: true` (`@pulumi/pulumi/provider/server.js`), so an input the program
 * marked secret arrives as `{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value}`
 * (https://github.com/pulumi/pulumi/blob/master/sdk/go/common/resource/sig/sig.go). The lifecycle
 * validates plain values, so the adapter unwraps them; the engine marks an output secret again
 * when the input of the same name was secret.
 */

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True when `value` is a wrapped secret. */
export function isWrappedSecret(value: unknown): value is { value: unknown } {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** `value` with every wrapped secret inside it replaced by its plain value. */
export function unwrapSecrets(value: unknown): unknown {
  if (isWrappedSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}
