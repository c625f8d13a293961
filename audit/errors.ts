/**
 * Why an audit could not run (exit code 1): what failed and the fix, never a credential. A
 * finding is something the audit found; an AuditError is the audit failing to look.
 */
export class AuditError extends Error {
  /** What to do about it. */
  readonly fix: string;
  constructor(what: string, fix: string) {
    super(`${what}; fix: ${fix}`);
    this.name = "AuditError";
    this.fix = fix;
  }
}
