/**
 * What the documents ekm:aws:ByokKey produces actually allow, evaluated by
 * @cloud-copilot/iam-simulate (identity policy + key policy, trust policy + caller policy).
 *
 * The simulator ignores `kms:EncryptionContext:*` context keys: a condition on one never
 * matches, even with the right value in the request. So the `tenant_id` condition is asserted
 * structurally, and Encrypt/Decrypt/GenerateDataKey are simulated with that one condition
 * removed, i.e. for a request that carries the right encryption context. A request without
 * any encryption context is simulated on the real documents: an absent key never matches.
 * This is why least-privilege is the default: under the seed's documented policy DescribeKey,
 * which never carries an encryption context, is denied.
 */
import * as pulumi from "@pulumi/pulumi";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { expect } from "chai";
import { ByokKey } from "../../../components/aws/byokKey";
import { ENCRYPTION_CONTEXT_CONDITION_KEY as TENANT_CONTEXT_KEY, KEY_USE_ACTIONS } from "../../../sdk/contract";
import type { PolicyDocument, PolicyStatement } from "../../../components/aws/policies";
import { ekmMocks, outputValue, waitForRegistrations } from "../../../testing";

const ACCOUNT = "acct-3f9a1c2b7d4e5f60";
const CUSTOMER = "111122223333";
const TRUST = { principalArn: "arn:aws:iam::999988887777:role/ekm-platform", externalId: "ekm-0123456789abcdef0123456789abcdef" };
const OTHER_KEY = `arn:aws:kms:us-east-1:${CUSTOMER}:key/0f0e0d0c-0b0a-4909-8807-060504030201`;
const DEFAULT_KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${CUSTOMER}:root` }, Action: "kms:*", Resource: "*" }],
};
/** The platform's own permission to call sts:AssumeRole, so only the trust policy decides. */
const CALLER_POLICY = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] };

interface Documents {
  keyArn: string;
  roleArn: string;
  roleName: string;
  rolePolicy: PolicyDocument;
  keyPolicy: PolicyDocument;
  trustPolicy: PolicyDocument;
}

async function documents(policy: "least-privilege" | "documented"): Promise<Documents> {
  await pulumi.runtime.setMocks(ekmMocks(), "onboarding", "test", false);
  const silenced = console.warn;
  console.warn = () => undefined; // the documented policy's warning is tested in awsByokKey.test.ts
  try {
    const key = new ByokKey("prod", { accountId: ACCOUNT, trust: TRUST, policy });
    const [keyArn, roleArn, roleName, rolePolicy, keyPolicy, trustPolicy] = await Promise.all([
      outputValue(key.keyArn),
      outputValue(key.roleArn),
      outputValue(key.roleName),
      outputValue(key.policyDocument),
      outputValue(key.keyPolicyDocument),
      outputValue(key.trustPolicyDocument),
    ]);
    await waitForRegistrations();
    return { keyArn, roleArn, roleName, rolePolicy: JSON.parse(rolePolicy), keyPolicy: JSON.parse(keyPolicy!), trustPolicy: JSON.parse(trustPolicy) };
  } finally {
    console.warn = silenced;
  }
}

/** The document with the `kms:EncryptionContext:tenant_id` condition removed: a request carrying the right context. */
function withTenantContextSatisfied(document: PolicyDocument): PolicyDocument {
  return {
    ...document,
    Statement: document.Statement.map((s) => {
      if (!s.Condition?.StringEquals?.[TENANT_CONTEXT_KEY]) return s;
      const { [TENANT_CONTEXT_KEY]: _satisfied, ...rest } = s.Condition.StringEquals;
      const { StringEquals: _old, ...otherOperators } = s.Condition;
      const condition = Object.keys(rest).length > 0 ? { ...otherOperators, StringEquals: rest } : otherOperators;
      const { Condition: _condition, ...statement } = s;
      return Object.keys(condition).length > 0 ? { ...statement, Condition: condition } : statement;
    }),
  };
}

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

async function simulate(request: {
  principal: string;
  action: string;
  resource: string;
  identityPolicy: unknown;
  resourcePolicy: unknown;
  context?: Record<string, string>;
}): Promise<{ decision: Decision; ignoredContextKeys: string[] }> {
  const response = await runSimulation(
    {
      request: { principal: request.principal, action: request.action, resource: { resource: request.resource, accountId: CUSTOMER }, contextVariables: request.context ?? {} },
      identityPolicies: [{ name: "identity", policy: request.identityPolicy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
    },
    {},
  );
  if (response.resultType === "error") throw new Error(`simulation failed: ${JSON.stringify(response.errors)}`);
  if (response.resultType !== "single") throw new Error(`unexpected wildcard simulation for ${request.resource}`);
  return { decision: response.overallResult as Decision, ignoredContextKeys: [...(response.result.ignoredContextKeys ?? [])] };
}

function actionsOf(s: PolicyStatement): string[] {
  return typeof s.Action === "string" ? [s.Action] : [...s.Action];
}

describe("aws.ByokKey policy semantics (iam-simulate)", () => {
  let leastPrivilege: Documents;
  let documented: Documents;

  before(async () => {
    leastPrivilege = await documents("least-privilege");
    documented = await documents("documented");
  });

  /** The platform's session after AssumeRole. */
  const session = (d: Documents) => `arn:aws:sts::${CUSTOMER}:assumed-role/${d.roleName}/ekm-platform`;

  // action × principal → decision; "context" marks requests that carry tenant_id = ACCOUNT, simulated with that condition satisfied.
  const kmsCases: { policy: "least-privilege" | "documented"; action: string; on: "its key" | "another key"; context?: true; expected: Decision }[] = [
    { policy: "least-privilege", action: "kms:DescribeKey", on: "its key", expected: "Allowed" },
    { policy: "least-privilege", action: "kms:Encrypt", on: "its key", context: true, expected: "Allowed" },
    { policy: "least-privilege", action: "kms:Decrypt", on: "its key", context: true, expected: "Allowed" },
    { policy: "least-privilege", action: "kms:GenerateDataKey", on: "its key", context: true, expected: "Allowed" },
    { policy: "least-privilege", action: "kms:Encrypt", on: "its key", expected: "ImplicitlyDenied" },
    { policy: "least-privilege", action: "kms:GenerateDataKey", on: "its key", expected: "ImplicitlyDenied" },
    { policy: "least-privilege", action: "kms:DescribeKey", on: "another key", expected: "ImplicitlyDenied" },
    { policy: "least-privilege", action: "kms:Encrypt", on: "another key", context: true, expected: "ImplicitlyDenied" },
    { policy: "least-privilege", action: "kms:Decrypt", on: "another key", context: true, expected: "ImplicitlyDenied" },
    { policy: "least-privilege", action: "kms:GenerateDataKey", on: "another key", context: true, expected: "ImplicitlyDenied" },
    { policy: "least-privilege", action: "kms:ScheduleKeyDeletion", on: "its key", expected: "ImplicitlyDenied" },
    { policy: "least-privilege", action: "kms:PutKeyPolicy", on: "its key", expected: "ImplicitlyDenied" },
    { policy: "least-privilege", action: "kms:CreateGrant", on: "its key", expected: "ImplicitlyDenied" },
    { policy: "documented", action: "kms:DescribeKey", on: "its key", expected: "ImplicitlyDenied" },
    { policy: "documented", action: "kms:ScheduleKeyDeletion", on: "its key", expected: "ImplicitlyDenied" },
  ];

  for (const c of kmsCases) {
    const verb = c.expected === "Allowed" ? "allows" : "denies";
    it(`${verb} ${c.action} on ${c.on} to the role under the ${c.policy} policy${c.context ? " with tenant_id = the account" : c.action.match(/Encrypt|Decrypt|GenerateDataKey/) ? " without an encryption context" : ""}`, async () => {
      const d = c.policy === "least-privilege" ? leastPrivilege : documented;
      const satisfy = c.context ? withTenantContextSatisfied : (doc: PolicyDocument) => doc;
      const { decision } = await simulate({
        principal: session(d),
        action: c.action,
        resource: c.on === "its key" ? d.keyArn : OTHER_KEY,
        identityPolicy: satisfy(d.rolePolicy),
        resourcePolicy: c.on === "its key" ? satisfy(d.keyPolicy) : DEFAULT_KEY_POLICY,
      });
      expect(decision).to.equal(c.expected);
    });
  }

  for (const action of ["kms:DescribeKey", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]) {
    it(`allows ${action} on its key through the role policy alone, when the key policy only delegates to IAM (root statement)`, async () => {
      const context = action !== "kms:DescribeKey";
      const { decision } = await simulate({
        principal: session(leastPrivilege),
        action,
        resource: leastPrivilege.keyArn,
        identityPolicy: context ? withTenantContextSatisfied(leastPrivilege.rolePolicy) : leastPrivilege.rolePolicy,
        resourcePolicy: DEFAULT_KEY_POLICY,
      });
      expect(decision).to.equal("Allowed");
    });
  }

  const assumeCases: { who: string; principal: string; externalId?: string; expected: Decision }[] = [
    { who: "the platform principal with the account's external ID", principal: TRUST.principalArn, externalId: TRUST.externalId, expected: "Allowed" },
    { who: "the platform principal with another external ID", principal: TRUST.principalArn, externalId: "ekm-ffffffffffffffffffffffffffffffff", expected: "ImplicitlyDenied" },
    { who: "the platform principal without an external ID", principal: TRUST.principalArn, expected: "ImplicitlyDenied" },
    { who: "another account's principal with the right external ID", principal: "arn:aws:iam::444455556666:role/ekm-platform", externalId: TRUST.externalId, expected: "ImplicitlyDenied" },
    { who: "a principal of the customer's own account", principal: `arn:aws:iam::${CUSTOMER}:role/developer`, externalId: TRUST.externalId, expected: "ImplicitlyDenied" },
  ];

  for (const c of assumeCases) {
    it(`${c.expected === "Allowed" ? "allows" : "denies"} sts:AssumeRole to ${c.who}`, async () => {
      const { decision } = await simulate({
        principal: c.principal,
        action: "sts:AssumeRole",
        resource: leastPrivilege.roleArn,
        identityPolicy: CALLER_POLICY,
        resourcePolicy: leastPrivilege.trustPolicy,
        context: c.externalId === undefined ? {} : { "sts:ExternalId": c.externalId },
      });
      expect(decision).to.equal(c.expected);
    });
  }

  it("requires tenant_id = the account on every statement that allows Encrypt, Decrypt or GenerateDataKey (checked structurally: the simulator ignores kms:EncryptionContext:* keys)", () => {
    for (const document of [leastPrivilege.rolePolicy, leastPrivilege.keyPolicy]) {
      const granting = document.Statement.filter((s) => s.Principal?.AWS !== `arn:aws:iam::${CUSTOMER}:root` && actionsOf(s).some((a) => (KEY_USE_ACTIONS as readonly string[]).includes(a)));
      expect(granting).to.have.length(1);
      expect(granting[0].Condition).to.deep.equal({ StringEquals: { "kms:EncryptionContext:tenant_id": ACCOUNT } });
      expect(actionsOf(granting[0]).sort()).to.deep.equal(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]);
      // Nothing else the role gets is a wildcard or uses kms:ViaService.
      expect(JSON.stringify(document.Statement.filter((s) => s.Principal?.AWS !== `arn:aws:iam::${CUSTOMER}:root`))).not.to.match(/kms:\*|ViaService|key\/\*/);
    }
  });

  it("shows why the structural check is needed: the simulator ignores the tenant_id context key even when the request carries the right value", async () => {
    const result = await simulate({
      principal: session(leastPrivilege),
      action: "kms:Encrypt",
      resource: leastPrivilege.keyArn,
      identityPolicy: leastPrivilege.rolePolicy,
      resourcePolicy: leastPrivilege.keyPolicy,
      context: { [TENANT_CONTEXT_KEY]: ACCOUNT },
    });
    // If this starts failing, the simulator evaluates encryption context keys: simulate them directly instead.
    expect(result).to.deep.equal({ decision: "ImplicitlyDenied", ignoredContextKeys: [TENANT_CONTEXT_KEY] });
  });

  it("shows that the documented policy compares tenant_id with the Region name, never the account ID", () => {
    const [statement] = documented.rolePolicy.Statement;
    expect(statement.Condition).to.deep.equal({ StringEquals: { "kms:EncryptionContext:tenant_id": "${aws:RequestedRegion}" } });
    expect(statement.Resource).to.equal("arn:aws:kms:*:*:key/*");
    expect(actionsOf(statement)).to.include("kms:DescribeKey");
  });
});
