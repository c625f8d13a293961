// The emulator's pure parts: request parsing, recovery levels, host → vault, tokens, grants, faults.
import { expect } from "chai";
import { grant, grantFor, revoke } from "../../../testing/keyvault-emulator/authz";
import { KEY_DATA_ACTIONS, vaultNameOfHost } from "../../../testing/keyvault-emulator/facts";
import { parseFault, takeFault, type Fault } from "../../../testing/keyvault-emulator/faults";
import { recoveryLevel, type GrantRecord } from "../../../testing/keyvault-emulator/model";
import { durationSeconds, parseApiVersion, parseCreateKey, parseKeyName, parseKeyOperation, parseRotationPolicy, parseUpdateKey } from "../../../testing/keyvault-emulator/requests";
import { signToken, verifyToken } from "../../../testing/keyvault-emulator/tokens";

const refusal = (p: { ok: boolean; answer?: { status: number; body?: unknown } }) => (p.ok ? "accepted" : `${p.answer!.status} ${JSON.stringify(p.answer!.body)}`);

describe("keyvault-emulator request parsing", () => {
  it("creates RSA-HSM and EC specs with defaults and refuses what Key Vault refuses", () => {
    const rsa = parseCreateKey({ kty: "RSA-HSM", key_size: 4096, key_ops: ["wrapKey", "wrapKey"], attributes: { enabled: false, exp: 2000000000 }, tags: { a: "b" } });
    expect(rsa.ok && { ...rsa.value }).to.deep.include({ kty: "RSA-HSM", keySize: 4096, keyOps: ["wrapKey"], enabled: false, exp: 2000000000, tags: { a: "b" }, exportable: false });
    const ec = parseCreateKey({ kty: "EC" });
    expect(ec.ok && ec.value.crv).to.equal("P-256");
    expect(refusal(parseCreateKey({ attributes: {} }))).to.equal('400 {"error":{"code":"BadParameter","message":"Property kty has invalid value\\r\\nProperty kty has invalid value\\r\\n"}}');
    expect(refusal(parseCreateKey({ kty: "RSA", key_size: 1024 }))).to.equal('400 {"error":{"code":"BadParameter","message":"Invalid key size 1024 for key type RSA: it must be one of 2048, 3072, 4096."}}');
    expect(refusal(parseCreateKey({ kty: "oct" }))).to.equal('400 {"error":{"code":"BadParameter","message":"Key type oct is not supported by a vault; it needs a Managed HSM."}}');
    expect(refusal(parseCreateKey({ kty: "EC", crv: "P-999" }))).to.equal('400 {"error":{"code":"BadParameter","message":"Property crv has invalid value\\r\\n"}}');
    expect(refusal(parseCreateKey({ kty: "RSA", key_ops: ["fly"] }))).to.equal('400 {"error":{"code":"BadParameter","message":"Property key_ops has invalid value\\r\\n"}}');
    expect(refusal(parseCreateKey({ kty: "RSA", attributes: { exp: "tomorrow" } }))).to.equal('400 {"error":{"code":"BadParameter","message":"Property exp has invalid value\\r\\n"}}');
    expect(refusal(parseCreateKey({ kty: "RSA", tags: { a: 1 } }))).to.equal('400 {"error":{"code":"BadParameter","message":"Property tags has invalid value\\r\\n"}}');
  });

  it("updates only what is present; null clears nbf and exp", () => {
    const u = parseUpdateKey({ attributes: { exp: null, enabled: true } });
    expect(u.ok && u.value).to.deep.equal({ attributes: { enabled: true, exp: null, nbf: undefined, exportable: undefined }, keyOps: undefined, tags: undefined });
  });

  it("checks key names, api-versions, key operation bodies and durations", () => {
    expect(parseKeyName("my-key-1").ok).to.equal(true);
    expect(refusal(parseKeyName("bad_name"))).to.equal('400 {"error":{"code":"BadParameter","message":"The request URI contains an invalid name: bad_name"}}');
    expect(parseApiVersion("2025-07-01").ok && parseApiVersion("7.4").ok && parseApiVersion("7.6-preview.1").ok).to.equal(true);
    expect(refusal(parseApiVersion("8.0"))).to.equal('400 {"error":{"code":"BadParameter","message":"The specified version (8.0) is not recognized. Consider using the latest supported version (2025-07-01)."}}');
    expect(refusal(parseApiVersion(null))).to.equal('400 {"error":{"code":"BadParameter","message":"The api-version query parameter is required (for example ?api-version=2025-07-01)."}}');
    expect(refusal(parseKeyOperation({ alg: "RSA-OAEP", value: "a+b/" }))).to.equal('400 {"error":{"code":"BadParameter","message":"Property value has invalid value\\r\\n"}}');
    const op = parseKeyOperation({ alg: "RSA-OAEP-256", value: "AQID" });
    expect(op.ok && [...op.value.value]).to.deep.equal([1, 2, 3]);
    expect([durationSeconds("P90D"), durationSeconds("P1Y"), durationSeconds("PT1H30M"), durationSeconds("P"), durationSeconds("90D")]).to.deep.equal([7776000, 31536000, 5400, undefined, undefined]);
    expect(refusal(parseRotationPolicy({ attributes: { expiryTime: "P27D" } }))).to.equal('400 {"error":{"code":"BadParameter","message":"The expiryTime P27D of the rotation policy is shorter than the minimum of 28 days (P28D)."}}');
    const p = parseRotationPolicy({ lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "rotate" } }], attributes: { expiryTime: "P90D" } });
    expect(p.ok && p.value).to.deep.equal({ lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }], expiryTime: "P90D" });
  });
});

describe("keyvault-emulator model", () => {
  it("derives the recovery level from soft delete, purge protection and retention", () => {
    const level = (softDelete: boolean, purgeProtection: boolean, recoverableDays: number) => recoveryLevel({ tenantId: "t", softDelete, purgeProtection, recoverableDays });
    expect([level(false, false, 90), level(true, false, 90), level(true, true, 90), level(true, false, 7), level(true, true, 30)]).to.deep.equal([
      "Purgeable",
      "Recoverable+Purgeable",
      "Recoverable",
      "CustomizedRecoverable+Purgeable",
      "CustomizedRecoverable",
    ]);
  });

  it("maps hosts under Key Vault DNS suffixes to vault names", () => {
    expect(["contoso.vault.azure.net", "CONTOSO.vault.azure.net.", "kv.vault.azure.cn", "x.y.vault.azure.net", "127.0.0.1", "vault.azure.net"].map(vaultNameOfHost)).to.deep.equal([
      "contoso",
      "contoso",
      "kv",
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("signs tokens it can verify and rejects any other input", () => {
    const claims = { aud: "https://vault.azure.net", iss: "https://sts.windows.net/t/", tid: "t", oid: "o", appid: "a", iat: 1, nbf: 1, exp: 2 };
    const t = signToken(claims, "secret");
    expect(verifyToken(t, "secret")).to.deep.equal(claims);
    expect(verifyToken(t, "other")).to.equal(undefined);
    expect(verifyToken(`${t}x`, "secret")).to.equal(undefined);
    for (const junk of ["", "a.b", "a.b.c", "...", "x.eyJ9.y"]) expect(verifyToken(junk, "secret")).to.equal(undefined);
  });

  it("grants at vault or key scope, revokes some or all", () => {
    const grants: GrantRecord[] = [];
    grant(grants, "p", "v", undefined, [KEY_DATA_ACTIONS.read]);
    grant(grants, "p", "v", "K1", [KEY_DATA_ACTIONS.wrap, KEY_DATA_ACTIONS.unwrap]);
    expect(grantFor(grants, "p", "v", "k1", KEY_DATA_ACTIONS.wrap)).to.not.equal(undefined);
    expect(grantFor(grants, "p", "v", "k2", KEY_DATA_ACTIONS.wrap)).to.equal(undefined);
    expect(grantFor(grants, "p", "v", "k2", KEY_DATA_ACTIONS.read)).to.not.equal(undefined);
    expect(grantFor(grants, "q", "v", "k1", KEY_DATA_ACTIONS.read)).to.equal(undefined);
    revoke(grants, "p", "v", "k1", [KEY_DATA_ACTIONS.wrap]);
    expect(grantFor(grants, "p", "v", "k1", KEY_DATA_ACTIONS.wrap)).to.equal(undefined);
    revoke(grants, "p", "v", undefined);
    expect(grants).to.deep.equal([{ principalId: "p", vault: "v", key: "k1", actions: [KEY_DATA_ACTIONS.unwrap] }]);
  });

  it("parses faults with named errors and counts their uses", () => {
    expect(parseFault({ kind: "status", status: 200 })).to.equal("status must be an HTTP error status (400–599), got 200");
    expect(parseFault({ kind: "melt" })).to.equal('kind must be "status", "hang" or "reset", got "melt"');
    const faults: Fault[] = [parseFault({ kind: "status", status: 429, retryAfterSeconds: 3, count: 2 }) as Fault];
    expect(takeFault(faults, "entra", undefined)).to.equal(undefined);
    expect(takeFault(faults, "vault", "default")).to.deep.include({ status: 429, retryAfterSeconds: 3 });
    expect(takeFault(faults, "vault", "default")).to.not.equal(undefined);
    expect(takeFault(faults, "vault", "default")).to.equal(undefined);
  });
});
