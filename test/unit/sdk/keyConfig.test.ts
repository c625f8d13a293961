/**
 * sdk/schemas: the one key-reference type (`ByokKeyConfig`), the one canonical comparison, and
 * the shapes derived from them (the resource's Input type, the platform's stored key).
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ByokKeyConfig, PutByokRequest, StoredByokConfiguration, canonicalJson, keyConfigOf, sameCanonical } from "../../../sdk/schemas";
import type { ByokKeyConfigInput } from "../../../dynamic-providers";
import { etagOf } from "../../../platform/byok/byokService";
import { wrapConfigKey } from "../../../platform/byok/customerKeyPool";
import { decodeStoredKey, keyConfigOfStored, storedKeyOf, type StoredKey } from "../../../platform/store/byokConfigs";

const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE_ARN = "arn:aws:iam::111122223333:role/ekm-platform-access";
const AZURE = { vaultUrl: "https://contoso-byok.vault.azure.net/", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", keyName: "byok" };

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: undefined, x: 2 }], c: undefined } })).to.equal('{"a":{"d":[{"x":2,"z":1}]},"b":1}');
    expect(canonicalJson(undefined)).to.equal("undefined");
    expect(canonicalJson(null)).to.equal("null");
  });

  it("compares key references whatever the member order and absent optionals", () => {
    expect(sameCanonical({ azure: { ...AZURE, keyVersion: undefined }, provider: "azure" }, { provider: "azure", azure: { keyName: "byok", tenantId: AZURE.tenantId, vaultUrl: AZURE.vaultUrl } })).to.equal(true);
    expect(sameCanonical({ provider: "azure", azure: AZURE }, { provider: "azure", azure: { ...AZURE, keyVersion: "0123456789abcdef0123456789abcdef" } })).to.equal(false);
    expect(sameCanonical(undefined, null)).to.equal(false);
  });

  it("keeps the texts the platform already stored: wrap configs and etags are unchanged", () => {
    const key: StoredKey = { provider: "aws", reference: { roleArn: ROLE_ARN, keyArn: KEY_ARN } };
    expect(wrapConfigKey(key)).to.equal(`{"provider":"aws","reference":{"keyArn":"${KEY_ARN}","roleArn":"${ROLE_ARN}"}}`);
    const stored = createHash("sha256").update(`["aws",{"keyArn":"${KEY_ARN}","roleArn":"${ROLE_ARN}"},"prod","2026-12-01"]`).digest("base64url").slice(0, 22);
    expect(etagOf(key, "prod", "2026-12-01")).to.equal(`"${stored}"`);
  });
});

describe("ByokKeyConfig", () => {
  it("is the key part of every BYOK body: a request and a stored configuration reduce to it", () => {
    const request = PutByokRequest.parse({ provider: "azure", azure: AZURE, nickname: "prod", activationDate: "2026-12-01" });
    expect(keyConfigOf(request)).to.deep.equal({ provider: "azure", azure: AZURE });
    expect(ByokKeyConfig.parse(keyConfigOf(request))).to.deep.equal({ provider: "azure", azure: AZURE });
    expect(Object.keys(StoredByokConfiguration.options[0].shape).sort()).to.deep.equal(
      ["activationDate", "aws", "createdAt", "etag", "keyVersionInUse", "nickname", "provider", "status", "updatedAt", "validation"],
    );
  });

  it("rejects another provider, naming what it received", () => {
    const r = ByokKeyConfig.safeParse({ provider: "gcp", gcp: {} });
    expect(r.success).to.equal(false);
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).to.deep.equal([["provider", 'provider must be "aws" or "azure"; received "gcp"']]);
  });

  it("converts to and from the platform's stored key, one switch each way", () => {
    const aws: ByokKeyConfig = { provider: "aws", aws: { keyArn: KEY_ARN, roleArn: ROLE_ARN } };
    expect(storedKeyOf(aws)).to.deep.equal({ provider: "aws", reference: { keyArn: KEY_ARN, roleArn: ROLE_ARN } });
    expect(keyConfigOfStored(storedKeyOf(aws))).to.deep.equal(aws);
    const stored = decodeStoredKey("azure", AZURE);
    // The union narrows on provider: no cast to reach the Azure reference.
    expect(stored.provider === "azure" ? stored.reference.keyName : undefined).to.equal("byok");
    expect(() => decodeStoredKey("aws", { keyArn: "alias/x", roleArn: ROLE_ARN })).to.throw(/aws\.keyArn|keyArn/);
  });

  it("derives the resource's Input type: provider stays a literal, every other member takes an Output", () => {
    const fromOutputs: ByokKeyConfigInput = { provider: "aws", aws: pulumi.output({ keyArn: KEY_ARN, roleArn: pulumi.output(ROLE_ARN) }) };
    const azure: ByokKeyConfigInput = { provider: "azure", azure: { ...AZURE, keyVersion: pulumi.output("0123456789abcdef0123456789abcdef") } };
    // @ts-expect-error: the cloud is one of "aws" and "azure".
    const gcp: ByokKeyConfigInput = { provider: "gcp", gcp: {} };
    // @ts-expect-error: an AWS key needs its role.
    const noRole: ByokKeyConfigInput = { provider: "aws", aws: { keyArn: KEY_ARN } };
    expect([fromOutputs.provider, azure.provider, gcp.provider, noRole.provider]).to.deep.equal(["aws", "azure", "gcp", "aws"]);
  });
});
