/**
 * The emulator's TLS material: a CA of its own and a server certificate for 127.0.0.1, localhost
 * and any host aliases, all kept in the data directory and reused on restart (a new server
 * certificate is issued from the same CA when the names change). Clients trust the CA explicitly
 * (NODE_EXTRA_CA_CERTS or an agent's `ca`); nothing here turns verification off.
 *
 * Node has no X.509 creation API, so certificates are built with node-forge; the key pairs come
 * from node:crypto.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import forge from "node-forge";
import { writeFileAtomic } from "./atomicFile";

/** The PEM files of the emulator's TLS identity. */
export interface TlsMaterial {
  /** Path of the CA certificate (PEM): what clients trust. */
  readonly caPath: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** The names the server certificate covers. */
  readonly names: readonly string[];
}

const CA_CERT = "ca.pem";
const CA_KEY = "ca-key.pem";
const SERVER_CERT = "server.pem";
const SERVER_KEY = "server-key.pem";

/** The subject alternative names of the server certificate: loopback plus the aliases, sorted, without duplicates. */
export function serverNames(hostAliases: readonly string[]): string[] {
  return [...new Set(["127.0.0.1", "localhost", ...hostAliases.map((h) => h.toLowerCase())])].sort();
}

function rsaPair(): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

function serial(): string {
  // Positive (high bit clear) 16-byte serial, as RFC 5280 asks.
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString("hex");
}

function validity(cert: forge.pki.Certificate, years: number): void {
  // Backdated a day so a client whose clock is slightly behind accepts it.
  const from = new Date(Date.now() - 86_400_000);
  const to = new Date(from.getTime() + years * 365 * 86_400_000);
  cert.validity.notBefore = from;
  cert.validity.notAfter = to;
}

function createCa(): { certPem: string; keyPem: string } {
  const pair = rsaPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicPem);
  cert.serialNumber = serial();
  validity(cert, 10);
  const subject = [{ name: "commonName", value: "ekm-keyvault-emulator test CA" }, { name: "organizationName", value: "pulumi-ekm testing" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(pair.privatePem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: pair.privatePem };
}

function createServerCert(ca: { certPem: string; keyPem: string }, names: readonly string[]): { certPem: string; keyPem: string } {
  const pair = rsaPair();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicPem);
  cert.serialNumber = serial();
  validity(cert, 1);
  cert.setSubject([{ name: "commonName", value: "127.0.0.1" }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: pair.privatePem };
}

/** The DNS and IP names a PEM certificate covers, sorted. */
export function certificateNames(certPem: string): string[] {
  const cert = forge.pki.certificateFromPem(certPem);
  const san = cert.getExtension("subjectAltName") as { altNames?: { type: number; value?: string; ip?: string }[] } | null;
  return (san?.altNames ?? []).map((a) => (a.type === 7 ? (a.ip ?? "") : (a.value ?? ""))).sort();
}

function stillValid(certPem: string): boolean {
  const cert = forge.pki.certificateFromPem(certPem);
  return cert.validity.notAfter.getTime() - Date.now() > 86_400_000;
}

/** Loads the TLS material from `dataDir`, creating or re-issuing what is missing, expiring or names other hosts. */
export function loadOrCreateTls(dataDir: string, hostAliases: readonly string[]): TlsMaterial {
  const names = serverNames(hostAliases);
  const file = (n: string) => join(dataDir, n);
  let ca: { certPem: string; keyPem: string };
  if (existsSync(file(CA_CERT)) && existsSync(file(CA_KEY)) && stillValid(readFileSync(file(CA_CERT), "utf8"))) {
    ca = { certPem: readFileSync(file(CA_CERT), "utf8"), keyPem: readFileSync(file(CA_KEY), "utf8") };
  } else {
    ca = createCa();
    writeFileAtomic(file(CA_KEY), ca.keyPem);
    writeFileAtomic(file(CA_CERT), ca.certPem, 0o644);
  }
  let server: { certPem: string; keyPem: string } | undefined;
  if (existsSync(file(SERVER_CERT)) && existsSync(file(SERVER_KEY))) {
    const certPem = readFileSync(file(SERVER_CERT), "utf8");
    const issuedByCa = forge.pki.certificateFromPem(ca.certPem).verify(forge.pki.certificateFromPem(certPem));
    if (issuedByCa && stillValid(certPem) && certificateNames(certPem).join(",") === names.join(",")) {
      server = { certPem, keyPem: readFileSync(file(SERVER_KEY), "utf8") };
    }
  }
  if (server === undefined) {
    server = createServerCert(ca, names);
    writeFileAtomic(file(SERVER_KEY), server.keyPem);
    writeFileAtomic(file(SERVER_CERT), server.certPem, 0o644);
  }
  return { caPath: file(CA_CERT), caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem, names };
}
