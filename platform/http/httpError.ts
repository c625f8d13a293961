/** An error of the HTTP edge itself (auth, routing, bodies, parameters), and what every error becomes: `{"error": {code, message, field?}}` with its status. */
import type { ErrorCode, ValidationCheck } from "../../sdk/schemas";

/** An HTTP status with the JSON error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; checks?: ValidationCheck[]; details?: Record<string, string | number | boolean>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}
