/** Facts of the contract between the platform and a customer's key, written once: the components, the platform, the provider and the testing kit import them; and the posture catalog the audit and the policy pack share. */
export * from "./aws";
export * from "./azure";
export * from "./validation";
export * from "./posture";
