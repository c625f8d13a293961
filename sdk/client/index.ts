/** The typed platform client. */
export * from "./errors";
export * from "./retry";
export * from "./platformClient";
export type { CallOptions } from "./transport";
export * from "./wrongUrl";
