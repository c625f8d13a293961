/** Reading and parsing request bodies with a size limit and the contract's schemas. */
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { parseWith } from "../../sdk/schemas";
import { HttpError } from "./httpError";
import { JSON_LIMITS, clip, jsonShape } from "./jsonLimits";

/** Reads the body, refusing more than `limit` bytes with a 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new HttpError(413, "payload_too_large", `the body is ${declared} bytes, over the ${limit}-byte limit: send less content per call`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, "payload_too_large", `the body is over the ${limit}-byte limit: send less content per call`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body with `schema`; every problem becomes a 400 naming the field. */
export function parseBody<S extends z.ZodType>(raw: Buffer, contentType: string | undefined, schema: S): z.output<S> {
  if (raw.length > 0 && !/^application\/json\b/i.test(contentType ?? "")) {
    throw new HttpError(415, "unsupported_media_type", `Content-Type must be application/json, received ${JSON.stringify(contentType ?? "")}`);
  }
  const text = raw.toString("utf8");
  const shape = jsonShape(text);
  if (shape.depth > JSON_LIMITS.maxDepth) {
    throw new HttpError(400, "validation_failed", `the body nests arrays or objects deeper than ${JSON_LIMITS.maxDepth} levels: send the request's JSON object as the API documents it`);
  }
  if (shape.values > JSON_LIMITS.maxValues) {
    throw new HttpError(400, "validation_failed", `the body has more than ${JSON_LIMITS.maxValues} values (fields and array elements): send only the fields the API documents`);
  }
  let json: unknown;
  try {
    json = raw.length === 0 ? undefined : JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, "invalid_json", `the body is not valid JSON (${clip((err as Error).message)}): send a JSON object`);
  }
  const parsed = parseWith(schema, json);
  if (!parsed.ok) {
    const first = parsed.issues[0];
    const shown = parsed.issues.slice(0, JSON_LIMITS.maxIssues).map((i) => clip(i.field ? `${i.field}: ${i.message}` : i.message, JSON_LIMITS.maxIssueChars));
    const rest = parsed.issues.length - shown.length;
    const message = shown.join("; ") + (rest > 0 ? `; and ${rest} more problems` : "");
    throw new HttpError(400, "validation_failed", message, first.field ? { field: clip(first.field) } : {});
  }
  return parsed.value;
}
