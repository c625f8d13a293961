/** The one stored form of a key reference: equal keys get equal references, etags and validation ids. */
import { normalizeVaultUrl, type PutByokRequest } from "../../sdk/schemas";

/** `req` with its vault URL normalised (trimmed, host in lower case, trailing slash); AWS references are exact already. */
export function normalizedByokRequest(req: PutByokRequest): PutByokRequest {
  return req.provider === "azure" ? { ...req, azure: { ...req.azure, vaultUrl: normalizeVaultUrl(req.azure.vaultUrl) } } : req;
}
