/**
 * sdk/types.ts restates the shapes the zod schemas infer, for declarations that must not reach
 * zod. The type-level checks below stop `tsc --noEmit` (and so `npm test`) when the two drift;
 * the runtime checks parse the contract's own examples and hand them to the plain types.
 */
import { expect } from "chai";
import type { z } from "zod";
import * as schemas from "../../../sdk/schemas";
import type * as plain from "../../../sdk/types";

/** `true` when A and B are assignable both ways (readonly aside, the same shape). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only for `true`. */
function same<T extends true>(): T | undefined {
  return undefined;
}

same<Same<plain.AwsKeyReference, z.infer<typeof schemas.AwsKeyReference>>>();
same<Same<plain.AzureKeyReference, z.infer<typeof schemas.AzureKeyReference>>>();
same<Same<plain.AwsByokKeyConfig, z.infer<typeof schemas.AwsByokKeyConfig>>>();
same<Same<plain.AzureByokKeyConfig, z.infer<typeof schemas.AzureByokKeyConfig>>>();
same<Same<plain.ByokKeyConfig, z.infer<typeof schemas.ByokKeyConfig>>>();
same<Same<plain.PutByokRequest, z.infer<typeof schemas.PutByokRequest>>>();
same<Same<plain.Fallback, z.infer<typeof schemas.Fallback>>>();
same<Same<plain.ByokStatus, z.infer<typeof schemas.ByokStatus>>>();
same<Same<plain.EffectiveKeySource, z.infer<typeof schemas.EffectiveKeySource>>>();
same<Same<plain.CheckStatus, z.infer<typeof schemas.CheckStatus>>>();
same<Same<plain.ValidationCheck, z.infer<typeof schemas.ValidationCheck>>>();
same<Same<plain.ValidationPhase, z.infer<typeof schemas.ValidationPhase>>>();
same<Same<plain.Validation, z.infer<typeof schemas.Validation>>>();
same<Same<plain.TrustResponse, z.infer<typeof schemas.TrustResponse>>>();

describe("sdk/types (plain public types)", () => {
  it("lists the same status and key-source values as the schemas", () => {
    const statuses: plain.ByokStatus[] = ["pending-activation", "active", "degraded", "invalid", "reverting"];
    const sources: plain.EffectiveKeySource[] = ["platform", "byok", "platform-fallback"];
    expect(schemas.ByokStatus.options).to.deep.equal(statuses);
    expect(schemas.EffectiveKeySource.options).to.deep.equal(sources);
  });

  it("accepts what the schemas parse, field for field", () => {
    const body: plain.PutByokRequest = schemas.PutByokRequest.parse({
      provider: "aws",
      aws: { keyArn: schemas.EXAMPLES.kmsKeyArn, roleArn: schemas.EXAMPLES.roleArn },
      nickname: "Production",
      activationDate: "2026-12-01",
    });
    expect(Object.keys(body).sort()).to.deep.equal(["activationDate", "aws", "nickname", "provider"]);
  });
});
