/**
 * The handlers of the Key Management API (v1), one per operation of the route table
 * (`sdk/api/routes.ts`). The table decides method, path, auth, body schema and parameters; the
 * server (`./server.ts`) applies them before a handler runs, so a handler only maps typed input to
 * one Platform operation and its answer.
 */
import type { OperationId, RequestOf, ResponseOf, SuccessStatusOf } from "../../sdk/api";
import { VALIDATION_ID_HEADER } from "../../sdk/api";
import type { Platform } from "../platform";
import type { Caller } from "./auth";
import { largestPlaintext } from "../content/limits";
import { normalizedByokRequest } from "../byok/normalize";
import { HttpError } from "./httpError";

/** A parameter's parsed value: a number, a boolean, a string, or undefined when absent. */
export type ParamValue = number | boolean | string | undefined;

/** What a handler gets, already authorized and parsed. */
export interface HandlerInput<K extends OperationId> {
  readonly platform: Platform;
  readonly caller: Caller;
  /** The path's account id (empty for operations without one). */
  readonly accountId: string;
  /** The parsed body. */
  readonly body: RequestOf<K>;
  /** Query parameters and headers of the route table, by name, parsed (defaults filled in). */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The server's body limit, in bytes. */
  readonly maxBodyBytes: number;
}

/** What a handler answers: one of the operation's success statuses. */
export interface HandlerOutput<K extends OperationId> {
  readonly status: SuccessStatusOf<K>;
  readonly body: ResponseOf<K>;
  readonly headers?: Record<string, string>;
}

/** One handler per operation. */
export type Handlers = { readonly [K in OperationId]: (input: HandlerInput<K>) => HandlerOutput<K> | Promise<HandlerOutput<K>> };

const str = (v: ParamValue): string | undefined => (typeof v === "string" ? v : undefined);

/** Every handler. */
export const HANDLERS: Handlers = {
  createAccount: (i) => ({ status: 201, body: i.platform.createAccount(i.body.name) }),
  getKeyManagement: (i) => ({ status: 200, body: i.platform.state(i.accountId) }),
  getTrust: (i) => ({ status: 200, body: i.platform.trust(i.accountId) }),
  listEvents: (i) => {
    const limit = i.params.limit as number;
    const events = i.platform.events(i.accountId, i.params.after as number, limit);
    return { status: 200, body: { events, nextAfter: events.length === limit ? events[events.length - 1].seq : null } };
  },
  getByok: (i) => {
    const config = i.platform.byok.get(i.accountId);
    return { status: 200, body: config, headers: { etag: config.etag } };
  },
  putByok: async (i) => {
    const { config, created } = await i.platform.register(i.accountId, normalizedByokRequest(i.body), {
      ifMatch: str(i.params["if-match"]),
      ifNoneMatch: str(i.params["if-none-match"]),
      validationId: str(i.params[VALIDATION_ID_HEADER]),
    });
    return { status: created ? 201 : 200, body: config, headers: { etag: config.etag } };
  },
  validateByok: async (i) => ({ status: 200, body: await i.platform.byok.dryRun(i.accountId, normalizedByokRequest(i.body)) }),
  patchByok: (i) => {
    const config = i.platform.change(i.accountId, i.body, str(i.params["if-match"]));
    return { status: 200, body: config, headers: { etag: config.etag } };
  },
  deleteByok: async (i) => ({ status: 200, body: await i.platform.revert(i.accountId, i.params.force === true) }),
  encryptContent: async (i) => {
    const plaintext = Buffer.from(i.body.plaintext, "base64");
    const largest = largestPlaintext(i.maxBodyBytes);
    if (plaintext.length > largest) {
      // Encrypting it would make a ciphertext that content:decrypt refuses under the same limit.
      throw new HttpError(
        413,
        "payload_too_large",
        `plaintext is ${plaintext.length} bytes, over the largest this platform encrypts, ${largest} bytes (its ciphertext must fit a content:decrypt body under the ${i.maxBodyBytes}-byte limit): send less content per call`,
        { field: "plaintext" },
      );
    }
    const r = await i.platform.envelope.encrypt(i.accountId, plaintext);
    return { status: 200, body: { ciphertext: r.ciphertext.toString("base64"), keySource: r.keySource, keyVersion: r.keyVersion } };
  },
  decryptContent: async (i) => {
    const r = await i.platform.envelope.decrypt(i.accountId, Buffer.from(i.body.ciphertext, "base64"));
    return { status: 200, body: { plaintext: r.data.toString("base64"), keySource: r.keySource, keyVersion: r.keyVersion } };
  },
};
