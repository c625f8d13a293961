/** The type tokens of the `ekm` package (its schema, provider/schema.json, declares them). */
export const TOKENS = {
  byokConfiguration: "ekm:index:ByokConfiguration",
  awsByokKey: "ekm:aws:ByokKey",
  azureByokKey: "ekm:azure:ByokKey",
} as const;
