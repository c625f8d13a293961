// The declared view from a `pulumi stack export` document: ByokConfiguration resources, and the
// ByokKey children matched by cloud id. The documents are built with the component's own policy
// builders, in the export's shape (version 3, deployment.resources[] with urn, type, outputs).
import { expect } from "chai";
import { declaredFromExport } from "../../../audit/declared";
import { AuditError } from "../../../audit/errors";
import { keyPolicy, leastPrivilegeRolePolicy, trustPolicy } from "../../../components/aws/policies";
import { BYOK_CONFIGURATION_TYPE } from "../../../dynamic-providers/token";
import { EXAMPLES } from "../../../sdk";
import { ACCOUNT, EXTERNAL_ID, PRINCIPAL } from "./fixtures";

const urn = (type: string, name: string) => `urn:pulumi:prod::billing::${type}::${name}`;
const byok = (outputs: Record<string, unknown>) => ({ urn: urn(BYOK_CONFIGURATION_TYPE, "byok"), type: BYOK_CONFIGURATION_TYPE, outputs });
const config = { provider: "aws", aws: { keyArn: EXAMPLES.kmsKeyArn, roleArn: EXAMPLES.roleArn } };

describe("audit: the declared view from a stack export", () => {
  it("reads the configuration and the ByokKey's key, role and role policy, matched by ARN", () => {
    const doc = {
      version: 3,
      deployment: {
        resources: [
          byok({ accountId: ACCOUNT, config, nickname: "prod", activationDate: "2026-01-01", status: "active" }),
          { urn: urn("ekm:aws:ByokKey$aws:kms/key:Key", "k"), type: "aws:kms/key:Key", outputs: { arn: EXAMPLES.kmsKeyArn, enableKeyRotation: true, rotationPeriodInDays: 90, deletionWindowInDays: 30, isEnabled: true, policy: JSON.stringify(keyPolicy("least-privilege", EXAMPLES.roleArn, ACCOUNT)) } },
          { urn: urn("ekm:aws:ByokKey$aws:iam/role:Role", "r"), type: "aws:iam/role:Role", outputs: { arn: EXAMPLES.roleArn, name: "ekm-platform-access", assumeRolePolicy: JSON.stringify(trustPolicy({ principalArn: PRINCIPAL, externalId: EXTERNAL_ID })) } },
          { urn: urn("ekm:aws:ByokKey$aws:iam/rolePolicy:RolePolicy", "p"), type: "aws:iam/rolePolicy:RolePolicy", outputs: { role: "ekm-platform-access", name: "ekm-byok-key-access", policy: JSON.stringify(leastPrivilegeRolePolicy(EXAMPLES.kmsKeyArn, ACCOUNT)) } },
          // Another stack member's role: not matched.
          { urn: urn("aws:iam/role:Role", "other"), type: "aws:iam/role:Role", outputs: { arn: "arn:aws:iam::111122223333:role/other", name: "other" } },
        ],
      },
    };
    const [d, ...rest] = declaredFromExport(doc, "prod");
    expect(rest).to.deep.equal([]);
    expect(d).to.deep.include({ stack: "prod", accountId: ACCOUNT, nickname: "prod", activationDate: "2026-01-01", config });
    expect(d!.aws!.key).to.deep.include({ enableKeyRotation: true, rotationPeriodInDays: 90, deletionWindowInDays: 30, isEnabled: true });
    expect(d!.aws!.role).to.deep.equal({ urn: urn("ekm:aws:ByokKey$aws:iam/role:Role", "r"), name: "ekm-platform-access", trust: trustPolicy({ principalArn: PRINCIPAL, externalId: EXTERNAL_ID }) });
    expect(d!.aws!.rolePolicies.map((p) => p.name)).to.deep.equal(["ekm-byok-key-access"]);
  });

  it("refuses a document that is not an export, and a configuration whose outputs are secret, naming the fix", () => {
    expect(() => declaredFromExport({ hello: 1 }, "x.json")).to.throw(AuditError, "x.json is not a `pulumi stack export` document");
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
    expect(() => declaredFromExport({ version: 3, deployment: { resources: [byok({ accountId: ACCOUNT, config: secret, nickname: "n", activationDate: "2026-01-01" })] } }, "prod")).to.throw(
      AuditError,
      "keep these fields out of `additionalSecretOutputs`",
    );
  });
});
