/**
 * pulumi-ekm sdk: the Key Management API contract (zod schemas), the facts it rests on (`./contract`: encryption context, actions, roles, DNS suffixes, validation steps) and a typed client.
 */
export * from "./schemas";
export * from "./contract";
export * from "./client";
export * from "./api";
