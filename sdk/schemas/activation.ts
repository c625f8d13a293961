/**
 * The reason the platform gives while a configuration waits for its activation date. The
 * platform reports it as the account's fallback, and the testing kit's mocks report the same
 * text, so a unit test sees what `pulumi refresh` shows.
 */

/** Why new content uses the platform key before `activationDate`. */
export function pendingActivationReason(activationDate: string): string {
  return `activation date ${activationDate} has not passed: new content uses the platform key until then`;
}
