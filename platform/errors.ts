/** The platform's own error: becomes `{"error": {code, message, field?}}` with its HTTP status. */
import type { ErrorCode, ValidationCheck } from "../sdk/schemas";

/** An error a client caused or must know about; anything else is a 500 with no details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; checks?: ValidationCheck[]; details?: Record<string, string | number | boolean>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}
