/** The route table of the Key Management API (v1). */
export * from "./routes";
