import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { open, sealWithPrefix } from "../../../platform/crypto/aead";
import { contentAad, encodeHeader, parseCiphertext } from "../../../platform/crypto/ciphertextFormat";

describe("ciphertext format v1", () => {
  const key = randomBytes(32);

  it("round-trips: header, iv, ciphertext and tag parse back and open with the same AAD", () => {
    const header = encodeHeader("dk-abc");
    const blob = sealWithPrefix(key, Buffer.from("hello"), contentAad(header, "acct-1"), header);
    expect(blob.subarray(0, 3).toString("latin1")).to.equal("EK\x01");
    const parsed = parseCiphertext(blob);
    if ("error" in parsed) throw new Error(parsed.error);
    expect(parsed.dataKeyId).to.equal("dk-abc");
    expect(open(key, parsed.sealed, contentAad(parsed.header, "acct-1")).toString()).to.equal("hello");
  });

  it("rejects opening under another account's AAD", () => {
    const header = encodeHeader("dk-abc");
    const blob = sealWithPrefix(key, Buffer.from("hello"), contentAad(header, "acct-1"), header);
    const parsed = parseCiphertext(blob);
    if ("error" in parsed) throw new Error(parsed.error);
    expect(() => open(key, parsed.sealed, contentAad(parsed.header, "acct-2"))).to.throw("Unsupported state or unable to authenticate data");
  });

  const bad: [string, Buffer, string][] = [
    ["a foreign blob", Buffer.from("hello world"), "not a platform ciphertext (bad magic): pass the ciphertext exactly as content:encrypt returned it"],
    ["a future format", Buffer.from([0x45, 0x4b, 0x02, 0x01, 0x41]), "unsupported ciphertext format 2: this platform reads format 1"],
    ["a truncated blob", Buffer.from([0x45, 0x4b, 0x01, 0x05, 0x41]), "ciphertext is truncated"],
    ["an empty data key id", Buffer.concat([Buffer.from([0x45, 0x4b, 0x01, 0x00]), Buffer.alloc(40)]), "ciphertext is truncated"],
  ];
  for (const [what, blob, error] of bad) {
    it(`rejects ${what}`, () => {
      expect(parseCiphertext(blob)).to.deep.equal({ error });
    });
  }
});
