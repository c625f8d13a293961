// The generated Python SDK (provider-sdks/python): it installs offline into a venv with the
// `pulumi` package from PyPI (scripts/bootstrap/python-sdk.sh), imports, and its unittest suite
// (python/test_ekm_mocks.py) passes under pulumi.runtime.set_mocks.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exec } from "../../support/pulumi";
import { declaredTests, PROVIDER_SDKS, pythonSdkPython, SDK_TESTS, unittestCounts } from "../../support/providerSdks";

describe("provider-sdks/python: the generated Python SDK", function () {
  this.timeout(120_000);
  let python: string;
  let work: string;

  before(async function () {
    this.timeout(600_000); // a fresh machine installs pulumi and its gRPC wheels first
    python = await pythonSdkPython();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "ekm-python-sdk-"));
    // A copy: building writes build/ and *.egg-info next to pyproject.toml. Offline: the venv
    // must already hold everything (setuptools for the build, pulumi for the import).
    const source = path.join(work, "python");
    fs.cpSync(path.join(PROVIDER_SDKS, "python"), source, { recursive: true });
    await exec(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index", "--no-build-isolation", "--no-deps", "--force-reinstall", source], { cwd: work });
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("is installed in a venv that meets its requirements, and imports", async () => {
    // pulumi_ekm's own requirements (pulumi, semver, packaging) against what the venv holds.
    const check = await exec(python, ["-m", "pip", "check", "--disable-pip-version-check"], { cwd: work });
    expect(check.stdout).to.match(/No broken requirements found/);
    const imported = await exec(python, ["-c", "import importlib.metadata as m, pulumi_ekm, pulumi_ekm.aws, pulumi_ekm.azure; print(m.version('pulumi_ekm'), m.version('pulumi'), pulumi_ekm.ByokConfiguration.__module__)"], { cwd: work });
    const version = (JSON.parse(fs.readFileSync(path.join(PROVIDER_SDKS, "..", "provider", "schema.json"), "utf8")) as { version: string }).version;
    const [sdkVersion, pulumiVersion, module] = imported.stdout.trim().split(" ");
    expect(sdkVersion).to.equal(version);
    expect(pulumiVersion).to.match(/^3\.\d+\.\d+$/);
    expect(module).to.equal("pulumi_ekm.byok_configuration");
  });

  it("passes its unittest suite under pulumi.runtime.set_mocks (ByokConfiguration, both ByokKey components, an explicit provider)", async () => {
    const suite = path.join(SDK_TESTS, "python", "test_ekm_mocks.py");
    // unittest -v reports on stderr; a failure rejects with its tail.
    const { stderr } = await exec(python, ["-m", "unittest", "-v", "test_ekm_mocks"], { cwd: path.dirname(suite), env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
    const counts = unittestCounts(stderr);
    expect(counts.failed, stderr).to.deep.equal([]);
    expect(counts.passed.sort()).to.deep.equal(declaredTests(suite).sort());
    expect(stderr).to.match(new RegExp(`^Ran ${counts.passed.length} tests? in`, "m"));
  });
});
