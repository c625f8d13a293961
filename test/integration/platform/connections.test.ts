// Slow and idle clients on real sockets against the real ekm-platform process: the header, body
// and keep-alive timeouts and the connection cap close what a client would otherwise hold. Bounds
// are generous multiples of the configured timeouts, never tight absolute times.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROCESS_ADMIN_TOKEN, startPlatformProcess, type PlatformProcess } from "../../support/platformProcess";
import { waitFor } from "../../support/ports";

/** A raw socket to the platform: what it received, and when the server closed it. */
interface RawConnection {
  readonly socket: Socket;
  readonly received: () => string;
  /** Resolves with the ms from open to close. */
  readonly closed: Promise<number>;
  readonly isClosed: () => boolean;
}

async function open(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const started = Date.now();
  let data = "";
  let done = false;
  socket.on("data", (d: Buffer) => (data += d.toString("latin1")));
  socket.on("error", () => {});
  const closed = new Promise<number>((resolve) => socket.once("close", () => ((done = true), resolve(Date.now() - started))));
  return { socket, received: () => data, closed, isClosed: () => done };
}

/** Resolves with the close time, or rejects when the socket is still open after `ms`. */
function closedWithin(c: RawConnection, ms: number, what: string): Promise<number> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    c.closed.finally(() => clearTimeout(timer)),
    new Promise<number>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: the socket is still open after ${ms} ms`)), ms))),
  ]);
}

/** Writes `chunks` one by one, `everyMs` apart, until the socket closes. */
function drip(c: RawConnection, chunk: string, everyMs: number): () => void {
  const timer = setInterval(() => {
    if (!c.isClosed()) c.socket.write(chunk);
  }, everyMs);
  return () => clearInterval(timer);
}

describe("platform process: connections (timeouts and cap)", function () {
  this.timeout(120_000);
  const TIMEOUT = 1000;
  const BOUND = 10 * TIMEOUT; // generous: the limit, plus Node's check interval, plus a loaded machine
  let dir: string;
  let p: PlatformProcess;
  let accountId: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ekm-conn-"));
    p = await startPlatformProcess(dir, { args: ["--headers-timeout-ms", String(TIMEOUT), "--request-timeout-ms", String(2 * TIMEOUT), "--keep-alive-timeout-ms", String(TIMEOUT)] });
    ({ accountId } = await p.admin.createAccount());
  });
  after(async () => {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("closes a connection that never sends a byte (header timeout)", async () => {
    const c = await open(p.url);
    expect(await closedWithin(c, BOUND, "idle connection")).to.be.below(BOUND);
  });

  it("closes a client that sends its headers a byte at a time, answering 408", async () => {
    const c = await open(p.url);
    c.socket.write(`GET /v1/accounts/${accountId}/key-management HTTP/1.1\r\nHost: platform\r\n`);
    const stop = drip(c, "x", 100);
    try {
      await closedWithin(c, BOUND, "slow headers");
    } finally {
      stop();
    }
    expect(c.received()).to.match(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it("closes a slow upload: headers in time, the body trickling past the request timeout, answering 408", async () => {
    const c = await open(p.url);
    c.socket.write(
      `POST /v1/accounts/${accountId}/content:encrypt HTTP/1.1\r\nHost: platform\r\nAuthorization: Bearer ${PROCESS_ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"plaintext":"`,
    );
    const stop = drip(c, "AAAA", 100);
    try {
      await closedWithin(c, BOUND, "slow body");
    } finally {
      stop();
    }
    expect(c.received()).to.match(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it("closes a keep-alive connection that stays idle after its answer", async () => {
    const c = await open(p.url);
    c.socket.write(`GET /v1/accounts/${accountId}/key-management HTTP/1.1\r\nHost: platform\r\nAuthorization: Bearer ${PROCESS_ADMIN_TOKEN}\r\nConnection: keep-alive\r\n\r\n`);
    await closedWithin(c, BOUND, "idle keep-alive connection");
    expect(c.received()).to.match(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Keep-Alive: timeout=1\r\n/i);
  });

  it("drops connections beyond --max-connections, and serves again once some close", async () => {
    const cappedDir = mkdtempSync(join(tmpdir(), "ekm-cap-"));
    const capped = await startPlatformProcess(cappedDir, { args: ["--max-connections", "3"] });
    try {
      const held = [await open(capped.url), await open(capped.url), await open(capped.url)];
      const extra = await open(capped.url);
      extra.socket.write(`GET /v1/accounts/${accountId}/key-management HTTP/1.1\r\nHost: platform\r\n\r\n`);
      await closedWithin(extra, BOUND, "a connection beyond the cap");
      expect(extra.received(), "dropped without an answer").to.equal("");
      expect(held.map((h) => h.isClosed()), "the held connections stay open (default timeouts)").to.deep.equal([false, false, false]);
      for (const h of held) h.socket.destroy();
      await Promise.all(held.map((h) => h.closed));
      // The server counts a connection as closed once it has seen the close: retry until it has.
      const status = await waitFor(
        async () => (await fetch(`${capped.url}/v1/accounts`, { method: "POST", headers: { authorization: `Bearer ${PROCESS_ADMIN_TOKEN}`, "content-type": "application/json" }, body: "{}" })).status,
        { timeoutMs: BOUND, intervalMs: 100, what: "a connection under the cap" },
      );
      expect(status).to.equal(201);
    } finally {
      await capped.stop();
      rmSync(cappedDir, { recursive: true, force: true });
    }
  });
});
