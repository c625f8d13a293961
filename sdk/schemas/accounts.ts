/** Accounts: the unit of key configuration (every app in an account shares its key). */
import { z } from "zod";
import { AccountId } from "./formats";

/** `POST /v1/accounts` body (admin token). */
export const CreateAccountRequest = z.strictObject({
  name: z.string().min(1).max(128).optional(),
});
/** `POST /v1/accounts` body. */
export type CreateAccountRequest = z.infer<typeof CreateAccountRequest>;

/** `POST /v1/accounts` answer: the token is shown once and stored only as a hash. */
export const CreateAccountResponse = z.strictObject({
  accountId: AccountId,
  token: z.string(),
});
/** `POST /v1/accounts` answer. */
export type CreateAccountResponse = z.infer<typeof CreateAccountResponse>;
