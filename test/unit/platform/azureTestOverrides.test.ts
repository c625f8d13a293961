import { expect } from "chai";
import {
  authorityHostProblem,
  azureTestFlags,
  azureTestOverrideWarnings,
  hasAzureTestOverrides,
  parseVaultEndpointOverride,
  resolveAzureTestSettings,
  unmappedVaultHostProblem,
} from "../../../platform/byok/azureTestOverrides";
import { assertVaultHostAllowed } from "../../../platform/byok/vaultHostGuard";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("azure test overrides", () => {
  it("parses a vault endpoint override into the vault host and a loopback address", () => {
    expect(parseVaultEndpointOverride("Contoso.vault.azure.net=127.0.0.1:8443")).to.deep.equal(["contoso.vault.azure.net", { host: "127.0.0.1", port: 8443 }]);
    expect(parseVaultEndpointOverride("hsm1.managedhsm.azure.net=[::1]:9000")).to.deep.equal(["hsm1.managedhsm.azure.net", { host: "::1", port: 9000 }]);
  });

  const badOverrides: [string, string][] = [
    ["contoso.vault.azure.net", "write VAULT_HOST=127.0.0.1:PORT"],
    ["evil.example.com=127.0.0.1:8443", 'the vault host "evil.example.com" must be a Key Vault host'],
    ["contoso.vault.azure.net:443=127.0.0.1:8443", "must be a Key Vault host"],
    ["contoso.vault.azure.net=10.0.0.5:8443", 'the target host "10.0.0.5" must be loopback'],
    ["contoso.vault.azure.net=127.0.0.1", "the target must be HOST:PORT"],
    ["contoso.vault.azure.net=127.0.0.1:70000", "the target must be HOST:PORT with a port 1-65535"],
  ];
  for (const [text, message] of badOverrides) {
    it(`refuses --vault-endpoint-override ${text}, naming the flag, the value and the fix`, () => {
      expect(() => parseVaultEndpointOverride(text))
        .to.throw(TypeError, `--vault-endpoint-override (azureTest.vaultEndpoints) received ${JSON.stringify(text)}`)
        .with.property("message")
        .that.contains(message);
    });
  }

  const badAuthorities: [string, string][] = [
    ["not a url", "not a URL"],
    ["http://127.0.0.1:8443", "must use https"],
    ["https://login.example.com", "must be a loopback host"],
    ["https://127.0.0.1:8443/tenant", "scheme, host and port only"],
  ];
  for (const [value, message] of badAuthorities) {
    it(`refuses the authority host ${value}`, () => {
      const problem = authorityHostProblem(value);
      expect(problem).to.contain(`azureTest.authorityHost (--azure-authority-host) received ${JSON.stringify(value)}`);
      expect(problem).to.contain(message);
    });
  }
  for (const value of ["https://user:s3cret-pw@127.0.0.1:8443", "http://user:s3cret-pw@login.example.com/x"]) {
    it(`refuses the authority host with credentials ${value.split("://")[0]}://user:…@ without repeating them`, () => {
      const problem = authorityHostProblem(value);
      expect(problem).to.contain("azureTest.authorityHost (--azure-authority-host) received a URL with credentials");
      expect(problem).to.contain("scheme, host and port only");
      expect(problem).not.to.contain("s3cret-pw");
      expect(() => resolveAzureTestSettings({ authorityHost: value })).to.throw(TypeError).with.property("message").that.does.not.contain("s3cret-pw");
    });
  }
  it("accepts a loopback https authority", () => expect(authorityHostProblem("https://127.0.0.1:8443")).to.equal(undefined));

  it("resolves the settings, reads the CA, and announces each override", () => {
    const t = resolveAzureTestSettings({ authorityHost: "https://127.0.0.1:8443/", vaultEndpoints: { "contoso.vault.azure.net": "127.0.0.1:8443" }, caFile: "/ca.pem" }, () => PEM);
    expect(t.authorityHost).to.equal("https://127.0.0.1:8443");
    expect(t.caPem).to.equal(PEM);
    expect(hasAzureTestOverrides(t)).to.equal(true);
    const lines = azureTestOverrideWarnings(t);
    expect(lines).to.have.length(3);
    for (const l of lines) expect(l).to.match(/^!!! TEST OVERRIDE --/);
    expect(hasAzureTestOverrides(resolveAzureTestSettings(undefined))).to.equal(false);
    expect(azureTestOverrideWarnings(resolveAzureTestSettings({}))).to.deep.equal([]);
  });

  it("refuses a CA file that cannot be read or holds no certificate", () => {
    expect(() =>
      resolveAzureTestSettings({ caFile: "/nope.pem" }, () => {
        throw Object.assign(new Error("no"), { code: "ENOENT" });
      }),
    ).to.throw(TypeError, 'azureTest.caFile (--azure-ca-file) received "/nope.pem": cannot read it (ENOENT)');
    expect(() => resolveAzureTestSettings({ caFile: "/key.pem" }, () => "-----BEGIN PRIVATE KEY-----")).to.throw(TypeError, "the file holds no PEM certificate");
  });

  it("builds settings from the CLI flags, refusing a vault host given twice", () => {
    expect(azureTestFlags(undefined, [], undefined)).to.equal(undefined);
    expect(azureTestFlags("https://127.0.0.1:1", ["a1b.vault.azure.net=127.0.0.1:2"], "/ca.pem")).to.deep.equal({
      authorityHost: "https://127.0.0.1:1",
      vaultEndpoints: { "a1b.vault.azure.net": "127.0.0.1:2" },
      caFile: "/ca.pem",
    });
    expect(() => azureTestFlags(undefined, ["a1b.vault.azure.net=127.0.0.1:2", "A1B.vault.azure.net=127.0.0.1:3"], undefined)).to.throw("received a1b.vault.azure.net twice");
  });

  it("makes the SSRF guard refuse Key Vault hosts without an override, and non-Key Vault hosts still", () => {
    const rules = { allowVaultHosts: [], azureTest: { vaultEndpoints: { "contoso.vault.azure.net": "127.0.0.1:8443" } } };
    expect(() => assertVaultHostAllowed("https://contoso.vault.azure.net/", rules)).to.not.throw();
    expect(() => assertVaultHostAllowed("https://other.vault.azure.net/", rules)).to.throw(/test mode.*calls only contoso\.vault\.azure\.net; received host "other\.vault\.azure\.net"/);
    expect(() => assertVaultHostAllowed("https://127.0.0.1:8443/", rules)).to.throw(/only calls Key Vault hosts/);
    expect(() => assertVaultHostAllowed("https://other.vault.azure.net/", { allowVaultHosts: [] })).to.not.throw();
    expect(unmappedVaultHostProblem("x.vault.azure.net", resolveAzureTestSettings({}))).to.equal(undefined);
  });
});
