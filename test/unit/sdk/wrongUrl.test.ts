// A wrong platform URL is named as such, with the fix, for each way it shows: real HTTP on loopback.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { PlatformClient, WrongPlatformUrlError, withUrlDiagnosis } from "../../../sdk/client";
import { rejection } from "../../support/rejection";

const FIX = "set ekm:platformUrl (or EKM_PLATFORM_URL) to the platform's base URL, e.g. https://ekm.example.com, without /v1 or any API path";

describe("withUrlDiagnosis", () => {
  let server: http.Server;
  let answer: { status: number; type: string; body: string };
  let port: number;
  before(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(answer.status, { "content-type": answer.type });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise((resolve) => server.close(resolve)));
  const client = (baseUrl: string) => withUrlDiagnosis(new PlatformClient({ baseUrl, token: "t", retry: { maxAttempts: 1 } }), baseUrl);

  it("names an HTML error page (a proxy or another site) as a wrong URL", async () => {
    answer = { status: 404, type: "text/html", body: "<html><body>Not Found</body></html>" };
    const err = await rejection(client(`http://127.0.0.1:${port}`).getKeyManagement("acct-aaaa1111"));
    expect(err).to.be.instanceOf(WrongPlatformUrlError);
    expect(err.message).to.equal(
      `the platform URL http://127.0.0.1:${port} is wrong: the answer is not the platform's JSON (HTTP 404 Not Found with a text/html body that is not JSON: "<html><body>Not Found</body></html>"); ${FIX}`,
    );
  });

  it("names a TLS failure (https:// to a plain-HTTP port) as a wrong URL with how to fix the scheme or the trust", async () => {
    answer = { status: 200, type: "application/json", body: "{}" };
    const err = await rejection(client(`https://127.0.0.1:${port}`).getTrust("acct-aaaa1111"));
    expect(err).to.be.instanceOf(WrongPlatformUrlError);
    expect(err.message).to.match(
      new RegExp(`^the platform URL https://127\\.0\\.0\\.1:${port} is wrong: the TLS connection failed \\((EPROTO|ERR_SSL_[A-Z_]+)\\): use http:// for a platform that serves plain HTTP, or make Node trust its certificate \\(NODE_EXTRA_CA_CERTS for a private CA\\); `),
    );
  });

  it("leaves the platform's own JSON errors alone", async () => {
    answer = { status: 404, type: "application/json", body: JSON.stringify({ error: { code: "not_found", message: "account acct-aaaa1111 not found" } }) };
    const err = await rejection(client(`http://127.0.0.1:${port}`).getKeyManagement("acct-aaaa1111"));
    expect(err).not.to.be.instanceOf(WrongPlatformUrlError);
    expect(err.message).to.match(/account acct-aaaa1111 not found$/);
  });
});
