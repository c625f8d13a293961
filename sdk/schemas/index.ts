/** The Key Management API contract (v1): every request and response body as a zod schema. */
export * from "./formats";
export * from "./parse";
export * from "./canonical";
export * from "./validation";
export * from "./errors";
export * from "./accounts";
export * from "./content";
export * from "./byok";
export * from "./keyManagement";
export * from "./events";
export * from "./activation";
