import { expect } from "chai";
import {
  ConflictError,
  DependencyFailedError,
  InvalidContentError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  UnavailableError,
  ValidationFailedError,
  type DomainError,
} from "../../../platform/errors";
import { STATUS_OF_KIND, toHttpError } from "../../../platform/http/errorMapping";

describe("toHttpError: the one mapping of domain errors to HTTP statuses", () => {
  const cases: [DomainError, number][] = [
    [new NotFoundError("byok_not_configured", "no BYOK configuration for account acct-1"), 404],
    [new ConflictError("conflict", "a revert is already running for this account: wait for it to finish"), 409],
    [new PreconditionFailedError("precondition_failed", 'If-Match "a" is stale'), 412],
    [new PreconditionRequiredError("precondition_required", "If-Match is required"), 428],
    [new ValidationFailedError("key_validation_failed", "the key failed validation", { field: "aws", checks: [{ name: "sts:AssumeRole", status: "failed", message: "denied" }] }), 422],
    [new InvalidContentError("decryption_failed", "ciphertext: not a platform ciphertext", { field: "ciphertext" }), 400],
    [new DependencyFailedError("customer_key_unavailable", "customer key unavailable", { details: { kind: "disabled" } }), 424],
    [new UnavailableError("customer_key_unavailable", "the customer key service did not answer", { retryAfterSeconds: 30 }), 503],
  ];
  for (const [err, status] of cases) {
    it(`answers ${err.name} (${err.kind}) with ${status}, keeping code, message and field`, () => {
      const http = toHttpError(err);
      expect([http.status, http.code, http.message, http.extra.field]).to.deep.equal([status, err.code, err.message, err.extra.field]);
      expect(http.extra.checks).to.deep.equal(err.extra.checks);
      expect(http.extra.details).to.deep.equal(err.extra.details);
    });
  }

  it("sends Retry-After only for an error that says when to retry", () => {
    expect(toHttpError(cases[7][0]).extra.headers).to.deep.equal({ "retry-after": "30" });
    expect(toHttpError(cases[1][0]).extra.headers).to.equal(undefined);
  });

  it("maps every kind, each to its own status", () => {
    expect(Object.keys(STATUS_OF_KIND).sort()).to.deep.equal(cases.map(([e]) => e.kind).sort());
    expect(new Set(Object.values(STATUS_OF_KIND)).size).to.equal(cases.length);
  });

  it("names the error class, so logs show the domain, not a status", () => {
    expect(new UnavailableError("customer_key_unavailable", "down").name).to.equal("UnavailableError");
  });
});
