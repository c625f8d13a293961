import { expect } from "chai";
import { DataKeyCache } from "../../../platform/content/dataKeyCache";

describe("DataKeyCache", () => {
  let now = 0;
  const evicted: string[] = [];
  const make = () => new DataKeyCache<null>({ maxAgeMs: 100, maxMessages: 2, maxEntries: 2 }, () => now, (e) => evicted.push(e.id));
  const entry = (id: string) => ({ id, key: Buffer.alloc(32), createdAt: now, meta: null });
  beforeEach(() => {
    now = 0;
    evicted.length = 0;
  });

  it("expires an entry at maxAgeMs, not before", () => {
    const c = make();
    c.set("a", entry("k1"));
    now = 99;
    expect(c.get("a")?.id).to.equal("k1");
    now = 100;
    expect(c.get("a")).to.equal(undefined);
    expect(evicted).to.deep.equal(["k1"]);
  });

  it("expires an entry once it has served maxMessages", () => {
    const c = make();
    c.set("a", entry("k1")).uses = 2;
    expect(c.get("a")).to.equal(undefined);
  });

  it("evicts the least recently used entry beyond maxEntries", () => {
    const c = make();
    c.set("a", entry("k1"));
    c.set("b", entry("k2"));
    c.get("a");
    c.set("c", entry("k3"));
    expect(c.get("b")).to.equal(undefined);
    expect(c.get("a")?.id).to.equal("k1");
    expect(c.size).to.equal(2);
    expect(evicted).to.deep.equal(["k2"]);
  });

  it("drops every slot of one account by prefix", () => {
    const c = make();
    c.set("acct-1|x", entry("k1"));
    c.set("acct-2|x", entry("k2"));
    c.deletePrefix("acct-1|");
    expect(c.get("acct-1|x")).to.equal(undefined);
    expect(c.get("acct-2|x")?.id).to.equal("k2");
  });
});
