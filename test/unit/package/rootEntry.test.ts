/**
 * index.ts: the root entry exports what a Pulumi program uses, and nothing of the implementation.
 */
import { expect } from "chai";
import * as root from "../../../index";
import { ByokConfiguration } from "../../../dynamic-providers/byokConfiguration";
import { PlatformClient } from "../../../sdk/client/platformClient";
import { PlatformError } from "../../../sdk/client/errors";

describe("package root", () => {
  it("exports the resource, its type token, the components, the client and its error", () => {
    expect(Object.keys(root).sort()).to.deep.equal(["BYOK_CONFIGURATION_TYPE", "ByokConfiguration", "PlatformClient", "PlatformError", "components", "isPlatformError"]);
    expect([root.ByokConfiguration, root.PlatformClient, root.PlatformError]).to.deep.equal([ByokConfiguration, PlatformClient, PlatformError]);
    expect(root.BYOK_CONFIGURATION_TYPE).to.equal("pulumi-nodejs:dynamic/ekm:ByokConfiguration");
  });
});
