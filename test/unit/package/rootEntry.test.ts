/**
 * index.ts: the root entry exports what a Pulumi program uses, and nothing of the implementation;
 * the components (one entry per cloud) and the client (zod types) have entries of their own.
 */
import { expect } from "chai";
import * as root from "../../../index";
import { ByokConfiguration } from "../../../dynamic-providers/byokConfiguration";
import { PlatformError } from "../../../sdk/client/errors";

describe("package root", () => {
  it("exports the resource, its type token and the platform's error", () => {
    expect(Object.keys(root).sort()).to.deep.equal(["BYOK_CONFIGURATION_TYPE", "ByokConfiguration", "PlatformError", "isPlatformError"]);
    expect([root.ByokConfiguration, root.PlatformError]).to.deep.equal([ByokConfiguration, PlatformError]);
    expect(root.BYOK_CONFIGURATION_TYPE).to.equal("pulumi-nodejs:dynamic/ekm:ByokConfiguration");
  });
});
