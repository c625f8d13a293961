/**
 * The platform's use of a customer's AWS KMS key: assume the customer's role with the account's
 * external ID, then GenerateDataKey / Decrypt under the key with the encryption context
 * of `sdk/contract/aws.ts` (`{tenant_id: accountId}`).
 *
 * Every AWS call goes through one wrapper (`call`): a deadline (abort signal plus the HTTP
 * handler's timeouts), the SDK's retries (`maxAttempts`), and the mapping to `CustomerKeyError`.
 * Clients are built lazily inside `createAwsCustomerKey`'s closure, never at module level; the
 * assumed-role session is cached until 5 minutes before it expires.
 *
 * - AssumeRole: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * - GenerateDataKey: https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html
 * - Decrypt: https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html
 * - Encryption context: https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html
 */
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { IAMClient } from "@aws-sdk/client-iam";
import { encryptionContext } from "../../../sdk/contract";
import { KMS_KEY_ARN_PATTERN, quote } from "../../../sdk/schemas/formats";
import { CustomerKeyError, type CustomerKey, type WrappedDataKey } from "../types";
import { arnRegion, awsErrorCode, mapAwsError, type AwsAction } from "./errors";
import {
  resolveAwsCustomerKeyOptions,
  SESSION_DURATION_SECONDS,
  SESSION_REFRESH_MARGIN_MS,
  type AwsCustomerKeyOptions,
  type AwsService,
  type ResolvedAwsCustomerKeyOptions,
} from "./options";
import { checkKeyUsePolicy, type KeyUseExpectation } from "./rolePolicy";
import { checkTrustPolicy, validateAwsKey } from "./validate";

/** Temporary credentials of the customer's role; never logged or put in a message. */
export interface AssumedSession {
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
    readonly expiration: Date;
  };
  readonly expiration: Date;
  /** What the local-platform trust-policy inspection found, when it ran. */
  readonly trustNote?: string;
}

/** The customer key's calls, shared by the data path and the validation chain. */
export interface AwsKeySession {
  readonly options: ResolvedAwsCustomerKeyOptions;
  /** The assumed-role session: the cached one unless it expires within 5 minutes, or a new one when `fresh`. */
  assumeRole(fresh?: boolean): Promise<AssumedSession>;
  /** One KMS call as the assumed role, in the region of `keyRef`, through the call wrapper. */
  kms<T>(action: AwsAction, keyRef: string, run: (client: KMSClient, abortSignal: AbortSignal) => Promise<T>): Promise<T>;
  generateDataKey(): Promise<WrappedDataKey>;
  unwrapDataKey(wrapped: Buffer, keyRef: string): Promise<Buffer>;
  /**
   * Local-platform check (with `inspectTrustPolicy`): reads the role's policies with the
   * platform's credentials and throws access-denied when they would deny `action` for this
   * account's encryption context. Returns a note, or undefined when the check is off.
   */
  inspectKeyUse(action: KeyUseExpectation["action"]): Promise<string | undefined>;
}

/** KMS answers that mean the assumed-role session itself is no good: drop it and assume again next time. */
const SESSION_REJECTED = new Set(["ExpiredTokenException", "ExpiredToken", "UnrecognizedClientException", "InvalidSignatureException"]);

/**
 * Runs `run` with an abort signal that fires after `timeoutMs`, and rejects with a TimeoutError
 * then even if the SDK is still sleeping between retries.
 */
async function withDeadline<T>(timeoutMs: number, run: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = Object.assign(new Error(`deadline of ${timeoutMs} ms exceeded`), { name: "TimeoutError" });
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A finalizeRequest middleware (inside the retry loop, so once per HTTP attempt) that reports the operation. */
function callCounter(service: AwsService, onCall: (service: AwsService, command: string) => void) {
  return <A, R>(next: (args: A) => Promise<R>, context: { commandName?: string }) =>
    async (args: A): Promise<R> => {
      onCall(service, (context.commandName ?? "unknown").replace(/Command$/, ""));
      return next(args);
    };
}

const COUNTER = { step: "finalizeRequest", priority: "low", name: "ekmCallCounter" } as const;

/** Creates the calls for one account's AWS customer key; nothing is called until a method runs. */
export function createAwsKeySession(options: AwsCustomerKeyOptions): AwsKeySession {
  const o = resolveAwsCustomerKeyOptions(options);
  const context = encryptionContext(o.accountId);
  const base = {
    maxAttempts: o.maxAttempts,
    // Per-attempt socket bounds; throwOnRequestTimeout turns the request timeout from a warning into an error.
    requestHandler: { connectionTimeout: o.timeoutMs, requestTimeout: o.timeoutMs, throwOnRequestTimeout: true },
  };
  const platformCredentials = o.credentials === undefined ? {} : { credentials: o.credentials };

  let sts: STSClient | undefined;
  let iam: IAMClient | undefined;
  const kmsClients = new Map<string, { client: KMSClient; session: AssumedSession }>();
  let cached: AssumedSession | undefined;
  let inflight: Promise<AssumedSession> | undefined;

  /** The one wrapper every call goes through: deadline, SDK retries, error mapping. */
  async function call<T>(action: AwsAction, keyArn: string, run: (abortSignal: AbortSignal) => Promise<T>, onError?: (err: unknown) => void): Promise<T> {
    try {
      return await withDeadline(o.timeoutMs, run);
    } catch (err) {
      onError?.(err);
      throw mapAwsError(err, {
        action,
        accountId: o.accountId,
        keyArn,
        roleArn: o.roleArn,
        externalId: o.externalId,
        platformPrincipalArn: o.platformPrincipalArn,
        timeoutMs: o.timeoutMs,
      });
    }
  }

  function stsClient(): STSClient {
    if (sts === undefined) {
      sts = new STSClient({ region: o.region, ...base, ...platformCredentials });
      if (o.onCall) sts.middlewareStack.add(callCounter("sts", o.onCall), COUNTER);
    }
    return sts;
  }

  function iamClient(): IAMClient {
    if (iam === undefined) {
      // Loaded only for the local-platform trust inspection; IAM is global, any region of the partition resolves it.
      const { IAMClient: Client } = require("@aws-sdk/client-iam") as typeof import("@aws-sdk/client-iam");
      iam = new Client({ region: o.region, ...base, ...platformCredentials });
      if (o.onCall) iam.middlewareStack.add(callCounter("iam", o.onCall), COUNTER);
    }
    return iam;
  }

  function kmsClient(region: string, session: AssumedSession): KMSClient {
    const existing = kmsClients.get(region);
    if (existing?.session === session) return existing.client;
    if (existing !== undefined) {
      // Calls still running on the old session's client end within their deadline; close its sockets after that.
      setTimeout(() => existing.client.destroy(), o.timeoutMs + 1000).unref();
    }
    const client = new KMSClient({ region, ...base, credentials: session.credentials });
    if (o.onCall) client.middlewareStack.add(callCounter("kms", o.onCall), COUNTER);
    kmsClients.set(region, { client, session });
    return client;
  }

  /** Local-platform check of the role's trust policy with the platform's own credentials (see `inspectTrustPolicy`). */
  async function inspectTrust(): Promise<string> {
    const { GetRoleCommand } = require("@aws-sdk/client-iam") as typeof import("@aws-sdk/client-iam");
    const client = iamClient();
    let document: string | undefined;
    try {
      const out = await call("iam:GetRole", o.keyArn, (abortSignal) => client.send(new GetRoleCommand({ RoleName: o.roleName }), { abortSignal }));
      document = out.Role?.AssumeRolePolicyDocument;
    } catch (err) {
      const mapped = err as CustomerKeyError;
      if (mapped.kind === "not-found") throw new CustomerKeyError("not-found", "sts:AssumeRole", mapped.message);
      return `trust policy not inspected (${mapped.message})`;
    }
    if (document === undefined) return "trust policy not inspected (iam:GetRole returned no trust policy)";
    const finding = checkTrustPolicy(document, o);
    if (!finding.ok) throw new CustomerKeyError("access-denied", "sts:AssumeRole", finding.message);
    return finding.message;
  }

  /** Every identity policy document of the role: inline ones and the default version of attached ones. */
  async function rolePolicyDocuments(): Promise<string[]> {
    const iamSdk = require("@aws-sdk/client-iam") as typeof import("@aws-sdk/client-iam");
    const client = iamClient();
    const get = <T>(run: (abortSignal: AbortSignal) => Promise<T>) => call("iam:GetRole", o.keyArn, run);
    const docs: string[] = [];
    const inline = await get((abortSignal) => client.send(new iamSdk.ListRolePoliciesCommand({ RoleName: o.roleName }), { abortSignal }));
    for (const name of inline.PolicyNames ?? []) {
      const p = await get((abortSignal) => client.send(new iamSdk.GetRolePolicyCommand({ RoleName: o.roleName, PolicyName: name }), { abortSignal }));
      if (p.PolicyDocument) docs.push(p.PolicyDocument);
    }
    const attached = await get((abortSignal) => client.send(new iamSdk.ListAttachedRolePoliciesCommand({ RoleName: o.roleName }), { abortSignal }));
    for (const a of attached.AttachedPolicies ?? []) {
      const policy = await get((abortSignal) => client.send(new iamSdk.GetPolicyCommand({ PolicyArn: a.PolicyArn }), { abortSignal }));
      const version = await get((abortSignal) =>
        client.send(new iamSdk.GetPolicyVersionCommand({ PolicyArn: a.PolicyArn, VersionId: policy.Policy?.DefaultVersionId }), { abortSignal }),
      );
      if (version.PolicyVersion?.Document) docs.push(version.PolicyVersion.Document);
    }
    return docs;
  }

  async function assumeNow(): Promise<AssumedSession> {
    const client = stsClient();
    const out = await call("sts:AssumeRole", o.keyArn, (abortSignal) =>
      client.send(
        new AssumeRoleCommand({
          RoleArn: o.roleArn,
          RoleSessionName: o.sessionName,
          ExternalId: o.externalId,
          DurationSeconds: SESSION_DURATION_SECONDS,
        }),
        { abortSignal },
      ),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
      throw new CustomerKeyError("unavailable", "sts:AssumeRole", `sts:AssumeRole returned no credentials for role ${o.roleArn} — retry later`);
    }
    const expiration = c.Expiration ?? new Date(o.now() + SESSION_DURATION_SECONDS * 1000);
    const trustNote = o.inspectTrustPolicy ? await inspectTrust() : undefined;
    return {
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration },
      expiration,
      trustNote,
    };
  }

  const session: AwsKeySession = {
    options: o,

    async inspectKeyUse(action) {
      if (!o.inspectTrustPolicy) return undefined;
      let documents: string[];
      try {
        documents = await rolePolicyDocuments();
      } catch (err) {
        return `role policy not inspected (${(err as Error).message})`;
      }
      const finding = checkKeyUsePolicy(documents, { action, keyArn: o.keyArn, accountId: o.accountId, roleArn: o.roleArn });
      if (!finding.ok) throw new CustomerKeyError("access-denied", action, finding.message);
      return finding.message;
    },

    assumeRole(fresh = false) {
      if (!fresh && cached !== undefined && cached.expiration.getTime() - SESSION_REFRESH_MARGIN_MS > o.now()) {
        return Promise.resolve(cached);
      }
      if (!fresh && inflight !== undefined) return inflight;
      const attempt: Promise<AssumedSession> = assumeNow().then(
        (s) => {
          cached = s;
          return s;
        },
        (err: unknown) => {
          // A role that can no longer be assumed stops being used at once, not at the session's expiry.
          cached = undefined;
          throw err;
        },
      );
      inflight = attempt;
      const clear = () => {
        if (inflight === attempt) inflight = undefined;
      };
      attempt.then(clear, clear);
      return attempt;
    },

    async kms(action, keyRef, run) {
      const assumed = await session.assumeRole();
      const client = kmsClient(arnRegion(keyRef), assumed);
      return call(action, keyRef, (abortSignal) => run(client, abortSignal), (err) => {
        if (SESSION_REJECTED.has(awsErrorCode(err)) && cached === assumed) cached = undefined;
      });
    },

    async generateDataKey() {
      const out = await session.kms("kms:GenerateDataKey", o.keyArn, (client, abortSignal) =>
        client.send(new GenerateDataKeyCommand({ KeyId: o.keyArn, KeySpec: "AES_256", EncryptionContext: context }), { abortSignal }),
      );
      const plain = out.Plaintext;
      if (plain === undefined || plain.length !== 32 || out.CiphertextBlob === undefined || out.CiphertextBlob.length === 0) {
        plain?.fill(0);
        throw new CustomerKeyError("unavailable", "kms:GenerateDataKey", `kms:GenerateDataKey returned no AES-256 data key for ${o.keyArn} — retry later`);
      }
      const plaintext = Buffer.from(plain);
      plain.fill(0);
      return { plaintext, wrapped: Buffer.from(out.CiphertextBlob), keyRef: o.keyArn, keyVersion: out.KeyId ?? o.keyArn };
    },

    async unwrapDataKey(wrapped, keyRef) {
      if (!KMS_KEY_ARN_PATTERN.test(keyRef)) {
        throw new CustomerKeyError(
          "invalid-key",
          "kms:Decrypt",
          `kms:Decrypt failed: keyRef ${quote(keyRef)} is not a KMS key ARN — pass the keyRef that generateDataKey returned`,
        );
      }
      const out = await session.kms("kms:Decrypt", keyRef, (client, abortSignal) =>
        client.send(new DecryptCommand({ KeyId: keyRef, CiphertextBlob: wrapped, EncryptionContext: context }), { abortSignal }),
      );
      if (out.Plaintext === undefined || out.Plaintext.length === 0) {
        throw new CustomerKeyError("unavailable", "kms:Decrypt", `kms:Decrypt returned no plaintext for a data key under ${keyRef} — retry later`);
      }
      const plaintext = Buffer.from(out.Plaintext);
      out.Plaintext.fill(0);
      return plaintext;
    },
  };
  return session;
}

/**
 * The platform's use of a customer's AWS KMS key for one account (source `byok-aws`). Throws a
 * TypeError at once when an ARN or a number option is malformed; otherwise nothing is called
 * until a method runs. `generateDataKey` and `unwrapDataKey` throw `CustomerKeyError`;
 * `validate` never throws.
 */
export function createAwsCustomerKey(options: AwsCustomerKeyOptions): CustomerKey {
  const session = createAwsKeySession(options);
  return {
    source: "byok-aws",
    validate: () => validateAwsKey(session),
    generateDataKey: () => session.generateDataKey(),
    unwrapDataKey: (wrapped, keyRef) => session.unwrapDataKey(wrapped, keyRef),
  };
}
