/**
 * resolvePlatformConnection: stack config first, then the environment; exact messages; the
 * token never appears in a message.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { PlatformConnectionError, resolvePlatformConnection } from "../../../components/platformConnection";

const TOKEN = "ekm_secret_token_7f3a9c";
const config = (values: Record<string, string>) => (key: string) => values[key];

describe("resolvePlatformConnection", () => {
  const resolved: { when: string; config: Record<string, string>; env: Record<string, string>; expected: { baseUrl: string; token: string } }[] = [
    {
      when: "stack config sets both",
      config: { platformUrl: "https://ekm.example.com", apiToken: TOKEN },
      env: {},
      expected: { baseUrl: "https://ekm.example.com", token: TOKEN },
    },
    {
      when: "only the environment sets them",
      config: {},
      env: { EKM_PLATFORM_URL: "http://127.0.0.1:8080", EKM_API_TOKEN: TOKEN },
      expected: { baseUrl: "http://127.0.0.1:8080", token: TOKEN },
    },
    {
      when: "stack config and the environment both set them (config wins)",
      config: { platformUrl: "https://ekm.example.com", apiToken: TOKEN },
      env: { EKM_PLATFORM_URL: "http://127.0.0.1:8080", EKM_API_TOKEN: "env-token" },
      expected: { baseUrl: "https://ekm.example.com", token: TOKEN },
    },
    {
      when: "stack config sets the URL and the environment the token",
      config: { platformUrl: "https://ekm.example.com/" },
      env: { EKM_API_TOKEN: TOKEN },
      expected: { baseUrl: "https://ekm.example.com", token: TOKEN },
    },
    {
      when: "a config value is blank (the environment is used)",
      config: { platformUrl: "  ", apiToken: "" },
      env: { EKM_PLATFORM_URL: "https://ekm.example.com/base/", EKM_API_TOKEN: TOKEN },
      expected: { baseUrl: "https://ekm.example.com/base", token: TOKEN },
    },
  ];
  for (const c of resolved) {
    it(`resolves the URL and token when ${c.when}`, () => {
      expect(resolvePlatformConnection({ config: config(c.config), env: c.env })).to.deep.equal(c.expected);
    });
  }

  const rejected: { when: string; config: Record<string, string>; env: Record<string, string>; message: string }[] = [
    {
      when: "no URL is set",
      config: { apiToken: TOKEN },
      env: {},
      message: 'the platform URL is not set: run "pulumi config set ekm:platformUrl https://<platform host>" or set EKM_PLATFORM_URL',
    },
    {
      when: "the URL is not http(s)",
      config: { platformUrl: "ftp://ekm.example.com", apiToken: TOKEN },
      env: {},
      message: 'the platform URL must be an http(s) URL such as https://ekm.example.com; received "ftp://ekm.example.com" (from ekm:platformUrl or EKM_PLATFORM_URL)',
    },
    {
      when: "the URL is not a URL",
      config: {},
      env: { EKM_PLATFORM_URL: "ekm.example.com", EKM_API_TOKEN: TOKEN },
      message: 'the platform URL must be an http(s) URL such as https://ekm.example.com; received "ekm.example.com" (from ekm:platformUrl or EKM_PLATFORM_URL)',
    },
    {
      when: "the URL ends in the API version /v1",
      config: { platformUrl: "https://ekm.example.com/v1/", apiToken: TOKEN },
      env: {},
      message: 'the platform URL must be the platform\'s base URL, without the API version: use "https://ekm.example.com" instead of "https://ekm.example.com/v1/" (ekm:platformUrl or EKM_PLATFORM_URL)',
    },
    {
      when: "no token is set",
      config: { platformUrl: "https://ekm.example.com" },
      env: {},
      message: 'the platform API token is not set: run "pulumi config set --secret ekm:apiToken <token>" or set EKM_API_TOKEN',
    },
  ];
  for (const c of rejected) {
    it(`rejects the connection when ${c.when}, without showing the token`, () => {
      expect(() => resolvePlatformConnection({ config: config(c.config), env: c.env }))
        .to.throw(PlatformConnectionError)
        .with.property("message", c.message)
        .that.does.not.contain(TOKEN);
    });
  }

  it("reads ekm:platformUrl and the secret ekm:apiToken from the stack config by default", () => {
    const saved = pulumi.runtime.allConfig();
    pulumi.runtime.setAllConfig({ "ekm:platformUrl": "https://ekm.example.com", "ekm:apiToken": TOKEN }, ["ekm:apiToken"]);
    try {
      expect(resolvePlatformConnection({ env: {} })).to.deep.equal({ baseUrl: "https://ekm.example.com", token: TOKEN });
    } finally {
      pulumi.runtime.setAllConfig(saved);
    }
  });
});
