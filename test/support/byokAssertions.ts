// What every provider's validation-failure test asserts: a 422 that names the failed check, and
// nothing stored (the account stays on platform-managed keys).
import { expect } from "chai";
import type { PlatformClient, PlatformError, PutByokRequest } from "../../sdk";
import { rejection } from "./rejection";

/** PUTs `request`, expects 422 key_validation_failed at `check` with `message`, and that nothing was stored. */
export async function expectRejectedRegistration(client: PlatformClient, accountId: string, request: PutByokRequest, check: string, message: RegExp): Promise<PlatformError> {
  const err = await rejection<PlatformError>(client.putByok(accountId, request));
  expect(err.status).to.equal(422);
  expect(err.code).to.equal("key_validation_failed");
  const failed = err.checks!.find((c) => c.status === "failed")!;
  expect(failed.name).to.equal(check);
  expect(failed.message).to.match(message);
  expect(err.message).to.contain(`${check}: `);
  expect(await client.getByok(accountId), "nothing stored").to.equal(undefined);
  expect((await client.getKeyManagement(accountId)).mode).to.equal("platform-managed");
  return err;
}
