// The generated Go SDK (provider-sdks/go, module github.com/pulumi-ekm/pulumi-ekm/provider-sdks/go):
// every package builds against github.com/pulumi/pulumi/sdk/v3 from the Go module proxy, and the
// test module go/ (which points at the SDK with a replace) passes `go test` under pulumi.WithMocks.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { exec } from "../../support/pulumi";
import { declaredTests, GO_SDK_MODULE, goBinary, goTestCounts, SDK_TESTS } from "../../support/providerSdks";

describe("provider-sdks/go: the generated Go SDK", function () {
  // A fresh machine downloads sdk/v3's modules and compiles them first: minutes on two cores.
  this.timeout(1_200_000);
  const module = path.join(SDK_TESTS, "go");
  // go.mod and go.sum are committed: readonly proves they are complete. No vcs stamping: the
  // worktree may not be a git checkout.
  const env = { ...process.env, GOFLAGS: "-mod=readonly -buildvcs=false", GOWORK: "off" };

  it("builds every package of the SDK (ekm, aws, azure, config) with go vet clean", async () => {
    const go = goBinary();
    await exec(go, ["build", `${GO_SDK_MODULE}/...`], { cwd: module, env, timeoutMs: 1_200_000 });
    const listed = await exec(go, ["list", `${GO_SDK_MODULE}/...`], { cwd: module, env });
    expect(listed.stdout.trim().split("\n").sort()).to.deep.equal(
      ["", "/aws", "/azure", "/config", "/internal"].map((p) => `${GO_SDK_MODULE}/ekm${p}`).sort(),
    );
    await exec(go, ["vet", `${GO_SDK_MODULE}/...`, "./..."], { cwd: module, env, timeoutMs: 1_200_000 });
  });

  it("passes go test under pulumi.WithMocks (ByokConfiguration, both ByokKey components, an explicit provider)", async () => {
    const { stdout } = await exec(goBinary(), ["test", "-count=1", "-v", "./..."], { cwd: module, env, timeoutMs: 1_200_000 });
    const counts = goTestCounts(stdout);
    const declared = fs.readdirSync(module).filter((f) => f.endsWith("_test.go")).flatMap((f) => declaredTests(path.join(module, f)));
    expect(counts.failed, stdout).to.deep.equal([]);
    expect(counts.passed.sort()).to.deep.equal(declared.sort());
    expect(stdout).to.match(/^ok\s+pulumi-ekm-provider-sdk-test\s/m);
  });
});
