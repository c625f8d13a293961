/** The error body every non-2xx response carries. */
import { z } from "zod";
import { ValidationCheck } from "./validation";

/** Machine-readable error codes. Clients switch on these, never on messages. */
export const ErrorCode = z.enum([
  "bad_request",
  "invalid_json",
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "byok_not_configured",
  "method_not_allowed",
  "conflict",
  "precondition_failed",
  "precondition_required",
  "payload_too_large",
  "unsupported_media_type",
  "key_validation_failed",
  "customer_key_unavailable",
  "decryption_failed",
  "internal",
]);
/** Machine-readable error code. */
export type ErrorCode = z.infer<typeof ErrorCode>;

/** `{"error": {code, message, field?}}`; `checks` explains a failed key validation, `details` carries counts. */
export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: ErrorCode,
    message: z.string(),
    field: z.string().optional(),
    requestId: z.string().optional(),
    checks: z.array(ValidationCheck).optional(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
});
/** The error body of every non-2xx response. */
export type ErrorBody = z.infer<typeof ErrorBody>;
