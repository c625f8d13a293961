/**
 * pulumi-ekm sdk: the Key Management API contract (zod schemas) and a typed client.
 */
export * from "./schemas";
export * from "./client";
