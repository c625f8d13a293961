/**
 * The plugin's configuration as the engine sends it (`ekm:config:<key>` variables), wrapped
 * secrets in inputs, and the lifecycle reading the provider instance's configuration before the
 * environment.
 */
import { expect } from "chai";
import { providerConfigOf } from "../../../provider/config";
import { ekmProvider } from "../../../provider/plugin";
import { isWrappedSecret, unwrapSecrets } from "../../../provider/secrets";
import { startTestPlatform, type TestPlatform } from "../../support/platform";

const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
const URN = "urn:pulumi:dev::p::ekm:index:ByokConfiguration::byok";

describe("provider configuration", () => {
  it("reads platformUrl and apiToken from the engine's variables, and nothing else", () => {
    const config = providerConfigOf(new Map([["ekm:config:platformUrl", "https://ekm.example.com"], ["ekm:config:apiToken", "tok"], ["ekm:config:version", "1.0.0"], ["aws:config:region", "x"]]));
    expect(config).to.deep.equal({ platformUrl: "https://ekm.example.com", apiToken: "tok" });
    expect(providerConfigOf({})).to.deep.equal({});
  });

  it("unwraps secrets at any depth and leaves other values alone", () => {
    expect(isWrappedSecret(secret("x"))).to.equal(true);
    expect(isWrappedSecret({ value: "x" })).to.equal(false);
    expect(unwrapSecrets({ a: secret("x"), b: [secret({ c: secret(1) })], d: "plain" })).to.deep.equal({ a: "x", b: [{ c: 1 }], d: "plain" });
  });

  describe("with a platform", () => {
    let tp: TestPlatform;
    before(async () => (tp = await startTestPlatform()));
    after(async () => tp.close());

    it("calls the platform of the provider instance's configuration, not the environment's", async () => {
      const { accountId, token } = await tp.newAccount("configured");
      const messages: string[] = [];
      const { provider, configure } = ekmProvider({
        version: "0.0.0",
        schema: "{}",
        env: { EKM_PLATFORM_URL: "http://127.0.0.1:1", EKM_API_TOKEN: "env-token-not-used" },
        log: async (severity, message, urn) => void messages.push(`${severity} ${urn} ${message}`),
      });
      // Unconfigured: the environment's unreachable URL is a warning; the dry run is skipped.
      await provider.read!(accountId, URN, {}).then(
        () => expect.fail("the environment's platform is unreachable"),
        (err: Error) => expect(err.message).to.match(/127\.0\.0\.1:1/),
      );
      configure({ platformUrl: tp.url, apiToken: token });
      const read = await provider.read!(accountId, URN, {});
      expect(read, "no configuration yet: gone").to.deep.equal({});
      expect(messages.some((m) => m.startsWith(`warn ${URN} ByokConfiguration ${accountId}: the account has no BYOK configuration`))).to.equal(true);
    });
  });
});
