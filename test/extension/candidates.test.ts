import { describe, expect, it } from "vitest";
import {
  candidateOfPage,
  hasAiWords,
  isCatalogDomain,
  oauthSignIn,
  vendorFilters,
} from "../../extension/lib/candidates";
import { catalog } from "../../extension/lib/catalog";

const { matcher, index } = catalog();
const page = (url: string) => candidateOfPage(url, matcher, index);
const signIn = (url: string) => oauthSignIn(url, matcher, index);
const query = (redirect: string, more = "client_id=1234.apps.example&scope=openid%20email&state=s3cret") =>
  `${more}&redirect_uri=${encodeURIComponent(redirect)}`;

describe("hostname words", () => {
  it("reports only the registrable domain of unknown AI-looking sites", () => {
    expect(page("https://app.some-new-assistant.ai/chat/123?q=secret")).toEqual({
      domain: "some-new-assistant.ai",
      signals: ["hostname"],
    });
    expect(page("https://www.mygpt-helper.co.uk/x")).toEqual({ domain: "mygpt-helper.co.uk", signals: ["hostname"] });
  });
  it("ignores catalog tools, IP addresses, non-web URLs and near misses", () => {
    expect(page("https://chatgpt.com/")).toBeNull();
    expect(page("https://127.0.0.1/gpt")).toBeNull();
    expect(page("chrome://settings")).toBeNull();
    // "ai" inside a word is not an AI word: the browser's filters match ".ai" and "ai." only.
    expect(hasAiWords("maintenance.example.com")).toBe(false);
    expect(page("https://maintenance.example.com/")).toBeNull();
  });
});

describe("a catalogued AI vendor's own domain", () => {
  it("lists only vendor domains the catalog knows products under", () => {
    expect(index.vendorDomains).toContain("anthropic.com");
    expect(index.vendorDomains).toContain("openai.com");
    // Shared hosts (AI at a path beside everything else) are no vendor domain.
    expect(index.vendorDomains).not.toContain("google.com");
    expect(index.vendorDomains).not.toContain("github.com");
    expect(vendorFilters(index)).toContainEqual({ hostSuffix: ".anthropic.com" });
  });
  it("tags a new host under it, never the vendor's own site or its catalogued products", () => {
    expect(page("https://labs-preview.anthropic.com/x?y=1")).toEqual({
      domain: "anthropic.com",
      signals: ["aiVendor"],
    });
    expect(page("https://anthropic.com/")).toBeNull();
    expect(page("https://www.anthropic.com/news")).toBeNull();
    expect(page("https://console.anthropic.com/")).toBeNull();
    expect(page("https://mail.google.com/")).toBeNull();
  });
  it("names both signals when a vendor's new host also has AI words", () => {
    expect(page("https://gpt-next.openai.com/")).toEqual({ domain: "openai.com", signals: ["hostname", "aiVendor"] });
  });
});

describe("sign-ins through an identity provider", () => {
  it("reads only the registrable domain of the redirect target", () => {
    const google = `https://accounts.google.com/o/oauth2/v2/auth?${query("https://app.newtool.io/auth/callback?x=1")}`;
    expect(signIn(google)).toEqual({ domain: "newtool.io", signals: [] });
    const entra = `https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?${query("https://beta.helper.ai/cb")}`;
    expect(signIn(entra)).toEqual({ domain: "helper.ai", signals: ["hostname"] });
    const github = `https://github.com/login/oauth/authorize?${query("https://newtool.io/cb")}`;
    expect(signIn(github)?.domain).toBe("newtool.io");
    const v3 = `https://accounts.google.com/v3/signin/identifier?${query("https://newtool.io/cb")}&service=lso`;
    expect(signIn(v3)?.domain).toBe("newtool.io");
    const apple = `https://appleid.apple.com/auth/authorize?${query("https://newtool.io/apple")}`;
    expect(signIn(apple)?.domain).toBe("newtool.io");
  });
  it("ignores other pages of the providers, missing or odd targets, and known sites", () => {
    expect(signIn(`https://accounts.google.com/o/oauth2/revoke?${query("https://newtool.io/cb")}`)).toBeNull();
    expect(
      signIn(`https://login.microsoftonline.com/common/oauth2/v2.0/logout?${query("https://newtool.io/")}`),
    ).toBeNull();
    expect(signIn("https://github.com/login/oauth/authorize?client_id=abc")).toBeNull();
    expect(signIn(`https://accounts.google.com/o/oauth2/v2/auth?${query("http://localhost:8080/cb")}`)).toBeNull();
    expect(
      signIn(`https://accounts.google.com/o/oauth2/v2/auth?${query("com.example.app:/oauth2redirect")}`),
    ).toBeNull();
    expect(
      signIn(`https://accounts.google.com/o/oauth2/v2/auth?${query("https://chatgpt.com/api/auth/cb")}`),
    ).toBeNull();
    expect(signIn(`https://accounts.google.com/o/oauth2/v2/auth?${query("https://mail.google.com/")}`)).toBeNull();
    expect(signIn(`https://accounts.google.com.evil.io/o/oauth2/v2/auth?${query("https://newtool.io/")}`)).toBeNull();
    expect(signIn("https://accounts.google.com/o/oauth2/v2/auth?redirect_uri=%zz")).toBeNull();
  });
});

describe("the catalog's domains", () => {
  it("knows a domain with any catalog host or rule under it", () => {
    expect(isCatalogDomain(index, "openai.com")).toBe(true);
    expect(isCatalogDomain(index, "github.com")).toBe(true);
    expect(isCatalogDomain(index, "example-shop.com")).toBe(false);
  });
});
