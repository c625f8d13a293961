// Platform-managed keys: 90-day rotation on an injected clock, data-key bounds, tamper detection.
import { expect } from "chai";
import { PlatformError } from "../../../sdk";
import { DAY_MS, ManualClock } from "../../../platform";
import { parseCiphertext } from "../../../platform/crypto/ciphertextFormat";
import { startTestPlatform, type TestPlatform } from "../../support/platform";

const dataKeyOf = (b64: string) => {
  const p = parseCiphertext(Buffer.from(b64, "base64"));
  if ("error" in p) throw new Error(p.error);
  return p.dataKeyId;
};

describe("platform: rotation every 90 days", () => {
  let tp: TestPlatform;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  before(async () => (tp = await startTestPlatform({ clock, maintenanceIntervalMs: 3_600_000 })));
  after(() => tp.close());

  it("rotates on use once the version is 90 days old; old ciphertexts still decrypt", async () => {
    const a = await tp.newAccount();
    const first = await a.client.encryptContent(a.accountId, "before rotation");
    expect(first.keyVersion).to.equal("pk-1");

    clock.advance(90 * DAY_MS - 1);
    expect((await a.client.encryptContent(a.accountId, "still v1")).keyVersion, "one ms before 90 days").to.equal("pk-1");

    clock.advance(1);
    const second = await a.client.encryptContent(a.accountId, "after rotation");
    expect(second.keyVersion).to.equal("pk-2");
    expect(dataKeyOf(second.ciphertext)).not.to.equal(dataKeyOf(first.ciphertext));

    const old = await a.client.decryptContent(a.accountId, first.ciphertext);
    expect(Buffer.from(old.plaintext, "base64").toString()).to.equal("before rotation");
    expect(old.keyVersion).to.equal("pk-1");

    const state = await a.client.getKeyManagement(a.accountId);
    expect(state.platformKey.version).to.equal("pk-2");
    expect(state.platformKey.nextRotationAt).to.equal(new Date(clock.now() + 90 * DAY_MS).toISOString());

    const events = (await a.client.listEvents(a.accountId)).events.filter((e) => e.type.startsWith("platform-key"));
    expect(events.map((e) => [e.type, e.data.version])).to.deep.equal([
      ["platform-key.created", "pk-1"],
      ["platform-key.rotated", "pk-2"],
    ]);
    expect(events[1].data.previousVersion).to.equal("pk-1");
  });

  it("rotates from the maintenance timer without any use", async () => {
    const a = await tp.newAccount();
    clock.advance(90 * DAY_MS);
    await tp.running.platform.tick();
    const events = (await a.client.listEvents(a.accountId)).events.map((e) => e.type);
    expect(events).to.deep.equal(["account.created", "platform-key.created", "platform-key.rotated"]);
    await tp.running.platform.tick();
    expect((await a.client.listEvents(a.accountId)).events).to.have.length(3, "a second tick the same day rotates nothing");
  });
});

describe("platform: data keys serve many messages within bounds", () => {
  let tp: TestPlatform;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  before(async () => (tp = await startTestPlatform({ clock, settings: { platformCache: { maxAgeMs: 60_000, maxMessages: 3, maxEntries: 100 } } })));
  after(() => tp.close());

  it("uses one data key for up to maxMessages messages, then a new one", async () => {
    const a = await tp.newAccount();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(dataKeyOf((await a.client.encryptContent(a.accountId, `m${i}`)).ciphertext));
    expect(new Set(ids.slice(0, 3)).size).to.equal(1);
    expect(new Set(ids.slice(3, 6)).size).to.equal(1);
    expect(ids[3]).not.to.equal(ids[0]);
    expect(ids[6]).not.to.equal(ids[3]);
  });

  it("uses a new data key once maxAgeMs has passed", async () => {
    const a = await tp.newAccount();
    const one = dataKeyOf((await a.client.encryptContent(a.accountId, "x")).ciphertext);
    clock.advance(59_999);
    expect(dataKeyOf((await a.client.encryptContent(a.accountId, "x")).ciphertext)).to.equal(one);
    clock.advance(1);
    expect(dataKeyOf((await a.client.encryptContent(a.accountId, "x")).ciphertext)).not.to.equal(one);
  });

  it("commits the wrapped data key before answering, never the plaintext key", async () => {
    const a = await tp.newAccount();
    const id = dataKeyOf((await a.client.encryptContent(a.accountId, "x")).ciphertext);
    const row = tp.running.platform.db.prepare("SELECT source, key_ref, key_version, length(wrapped_key) AS n FROM data_keys WHERE id = ?").get(id) as Record<string, unknown>;
    // 12-byte IV + 32-byte key + 16-byte tag.
    expect(row).to.deep.equal({ source: "platform", key_ref: "platform:1", key_version: "pk-1", n: 60 });
  });
});

describe("platform: tamper detection", () => {
  let tp: TestPlatform;
  before(async () => (tp = await startTestPlatform()));
  after(() => tp.close());

  it("fails cleanly, with 400 decryption_failed, for a flipped byte anywhere in the body", async () => {
    const a = await tp.newAccount();
    const ct = Buffer.from((await a.client.encryptContent(a.accountId, "integrity matters")).ciphertext, "base64");
    const headerLength = 4 + ct[3];
    for (const at of [headerLength, headerLength + 12, ct.length - 1]) {
      const bad = Buffer.from(ct);
      bad[at] ^= 0x01;
      const err = await a.client.decryptContent(a.accountId, bad.toString("base64")).then(() => undefined, (e: PlatformError) => e);
      expect(err, `byte ${at}`).to.be.instanceOf(PlatformError);
      expect(err!.status).to.equal(400);
      expect(err!.code).to.equal("decryption_failed");
      expect(err!.message).to.contain("ciphertext: failed its integrity check (modified, truncated or bound to another account)");
    }
  });

  it("refuses a ciphertext whose data key id was swapped for another of the same account", async () => {
    const a = await tp.newAccount();
    const one = Buffer.from((await a.client.encryptContent(a.accountId, "one")).ciphertext, "base64");
    tp.running.platform.envelope.forget(a.accountId);
    const two = Buffer.from((await a.client.encryptContent(a.accountId, "two")).ciphertext, "base64");
    const headerLength = 4 + one[3];
    const spliced = Buffer.concat([two.subarray(0, headerLength), one.subarray(headerLength)]);
    const err = await a.client.decryptContent(a.accountId, spliced.toString("base64")).then(() => undefined, (e: PlatformError) => e);
    expect(err!.code).to.equal("decryption_failed");
  });
});
