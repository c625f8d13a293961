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
    const { config, created } = await i.platform.register(i.accountId, i.body, {
      ifMatch: str(i.params["if-match"]),
      ifNoneMatch: str(i.params["if-none-match"]),
      validationId: str(i.params[VALIDATION_ID_HEADER]),
    });
    return { status: created ? 201 : 200, body: config, headers: { etag: config.etag } };
  },
  validateByok: async (i) => ({ status: 200, body: await i.platform.byok.dryRun(i.accountId, i.body) }),
  patchByok: (i) => {
    const config = i.platform.change(i.accountId, i.body, str(i.params["if-match"]));
    return { status: 200, body: config, headers: { etag: config.etag } };
  },
  deleteByok: async (i) => ({ status: 200, body: await i.platform.revert(i.accountId, i.params.force === true) }),
  encryptContent: async (i) => {
    const r = await i.platform.envelope.encrypt(i.accountId, Buffer.from(i.body.plaintext, "base64"));
    return { status: 200, body: { ciphertext: r.ciphertext.toString("base64"), keySource: r.keySource, keyVersion: r.keyVersion } };
  },
  decryptContent: async (i) => {
    const r = await i.platform.envelope.decrypt(i.accountId, Buffer.from(i.body.ciphertext, "base64"));
    return { status: 200, body: { plaintext: r.data.toString("base64"), keySource: r.keySource, keyVersion: r.keyVersion } };
  },
};
