import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parse as parsePlist } from "plist";
import { describe, expect, it } from "vitest";
import { type PolicyFile, policyFiles } from "../../extension/deploy/policy-files/index";
import {
  checkSettings,
  type ManagedSchema,
  managedSchema,
  parseSettingArgument,
} from "../../extension/deploy/policy-files/settings";
import { CHROME_WEB_STORE_UPDATE_URL, EDGE_ADD_ONS_UPDATE_URL } from "../../extension/deploy/policy-files/targets";
import { GECKO_ID } from "../../wxt.config";
import { parseReg } from "../support/reg";

/*
 * Every generated policy file, checked as the program that reads it would: JSON, plist, XML
 * (ADMX/ADML), registry syntax. Values come from the managed schema itself, so a setting
 * someone adds to the schema must show up in every file or these tests fail.
 */
const CHROME_ID = "abcdefghijklmnopabcdefghijklmnop";
const EDGE_ID = "ponmlkjihgfedcbaponmlkjihgfedcba";
// Quotes, backslashes, brackets and XML/shell metacharacters: each format must keep them as text.
const TOKEN = `t0k"en\\]'$(calc)<x>&`;

/** A value of the schema's type for every key, with the product's keys given real values. */
function sampleSettings(schema: ManagedSchema): Record<string, unknown> {
  const known: Record<string, unknown> = {
    serverUrl: "https://shadowlight.example.com",
    enrollmentToken: TOKEN,
    group: "Finanz Öst",
    reporting: false,
    censusKey: "an-organization-census-key",
  };
  const byType: Record<string, unknown> = { string: "sample text", boolean: true, integer: 7, number: 2.5 };
  return Object.fromEntries(
    Object.entries(schema.properties).map(([key, property]) => [
      key,
      key in known
        ? known[key]
        : property.type === "array"
          ? ["a", "b"]
          : property.type === "object"
            ? { nested: "x" }
            : byType[property.type],
    ]),
  );
}

function generate(schema: ManagedSchema = managedSchema()) {
  const settings = sampleSettings(schema);
  const files = policyFiles(
    {
      settings,
      targets: {
        chrome: { id: CHROME_ID, updateUrl: CHROME_WEB_STORE_UPDATE_URL },
        edge: { id: EDGE_ID, updateUrl: EDGE_ADD_ONS_UPDATE_URL },
        firefox: { id: GECKO_ID, installUrl: "https://downloads.example.com/shadowlight/shadowlight-0.1.0.xpi" },
      },
    },
    schema,
  );
  const byPath = new Map([...files].map(([file, content]) => [file.path, content]));
  const text = (path: string) => {
    const content = byPath.get(path);
    if (content === undefined) throw new Error(`${path} was not generated: ${[...byPath.keys()].join(", ")}`);
    return content.toString();
  };
  return { settings, files: [...files.keys()], byPath, text };
}

/** The real schema plus one key of every other type, as a colleague might add them. */
function widerSchema(): ManagedSchema {
  const schema = managedSchema();
  return {
    ...schema,
    properties: {
      ...schema.properties,
      pilotRing: { title: "Pilot ring", description: "Rollout ring.", type: "integer" },
      extraNotice: { title: "Extra notice", description: "Shown in the popup.", type: "string" },
      quietHosts: { title: "Quiet hosts", description: "Hosts without nudges.", type: "array" },
      nudgeLimits: { title: "Nudge limits", description: "Caps.", type: "object" },
    },
  };
}

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: () => false });

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

describe.each([
  ["the extension's schema", managedSchema],
  ["a schema with settings of every type added", widerSchema],
])("policy files from %s", (_name, schemaOf) => {
  const schema = schemaOf();
  const { settings, byPath, text } = generate(schema);
  const keys = Object.keys(schema.properties);

  it("Linux JSON for Chrome and Edge: force-installed, pinned, every setting in 3rdparty", () => {
    for (const [browser, id, updateUrl, pin] of [
      ["chrome", CHROME_ID, CHROME_WEB_STORE_UPDATE_URL, { toolbar_pin: "force_pinned" }],
      ["edge", EDGE_ID, EDGE_ADD_ONS_UPDATE_URL, { toolbar_state: "force_shown" }],
    ] as const) {
      const policy = JSON.parse(text(`${browser}/linux/shadowlight.json`));
      expect(policy).toEqual({
        ExtensionSettings: { [id]: { installation_mode: "force_installed", update_url: updateUrl, ...pin } },
        "3rdparty": { extensions: { [id]: settings } },
      });
      expect(Object.keys(policy["3rdparty"].extensions[id]).sort()).toEqual([...keys].sort());
    }
  });

  it("macOS profiles are valid plists whose payload carries the same policy", () => {
    const cases = [
      ["chrome/macos/shadowlight-chrome.mobileconfig", "com.google.Chrome", "chrome/linux/shadowlight.json"],
      ["edge/macos/shadowlight-edge.mobileconfig", "com.microsoft.Edge", "edge/linux/shadowlight.json"],
    ] as const;
    const uuids = new Set<string>();
    for (const [path, domain, linux] of cases) {
      expect(XMLValidator.validate(text(path))).toBe(true);
      const profile = parsePlist(text(path)) as Record<string, unknown>;
      expect(profile).toMatchObject({ PayloadType: "Configuration", PayloadScope: "System", PayloadVersion: 1 });
      const [payload] = profile.PayloadContent as Array<Record<string, unknown>>;
      const { PayloadType, PayloadIdentifier, PayloadUUID, PayloadVersion, PayloadDisplayName, ...policy } =
        payload as Record<string, unknown>;
      expect(PayloadType).toBe(domain);
      expect(policy).toEqual(JSON.parse(text(linux)));
      for (const uuid of [profile.PayloadUUID, PayloadUUID] as string[]) {
        expect(uuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-A[0-9A-F]{3}-[0-9A-F]{12}$/);
        uuids.add(uuid);
      }
      expect(PayloadIdentifier).toContain(domain);
      expect(PayloadVersion).toBe(1);
      expect(PayloadDisplayName).toBeTruthy();
    }
    const firefox = parsePlist(text("firefox/macos/shadowlight-firefox.mobileconfig")) as Record<string, unknown>;
    const [payload] = firefox.PayloadContent as Array<Record<string, unknown>>;
    expect(payload).toMatchObject({
      PayloadType: "org.mozilla.firefox",
      EnterprisePoliciesEnabled: true,
      ...JSON.parse(text("firefox/policies.json")).policies,
    });
    uuids.add(firefox.PayloadUUID as string).add(payload?.PayloadUUID as string);
    expect(uuids.size).toBe(6);
  });

  it(".reg files parse as regedit reads them, with every setting typed for the browser", () => {
    for (const [browser, root, id, pin] of [
      ["chrome", "SOFTWARE\\Policies\\Google\\Chrome", CHROME_ID, "toolbar_pin"],
      ["edge", "SOFTWARE\\Policies\\Microsoft\\Edge", EDGE_ID, "toolbar_state"],
    ] as const) {
      const reg = parseReg(byPath.get(`${browser}/windows/shadowlight-${browser}.reg`) as Buffer);
      expect([...reg.keys()]).toEqual([
        `${root}\\ExtensionSettings\\${id}`,
        `${root}\\3rdparty\\extensions\\${id}\\policy`,
      ]);
      const install = reg.get(`${root}\\ExtensionSettings\\${id}`);
      expect(install?.get("installation_mode")).toEqual({ type: "sz", data: "force_installed" });
      expect(install?.get(pin)?.type).toBe("sz");
      const values = reg.get(`${root}\\3rdparty\\extensions\\${id}\\policy`);
      expect([...(values?.keys() ?? [])].sort()).toEqual([...keys].sort());
      for (const [key, value] of Object.entries(settings)) {
        const stored = values?.get(key);
        if (typeof value === "boolean") expect(stored).toEqual({ type: "dword", data: value ? 1 : 0 });
        else if (typeof value === "string") expect(stored).toEqual({ type: "sz", data: value });
        else if (Number.isInteger(value)) expect(stored).toEqual({ type: "dword", data: value });
        else expect(stored).toEqual({ type: "sz", data: JSON.stringify(value) });
      }
    }
    const firefox = parseReg(byPath.get("firefox/windows/shadowlight-firefox.reg") as Buffer);
    const extensions = firefox.get("SOFTWARE\\Policies\\Mozilla\\Firefox\\3rdparty\\Extensions");
    const json = extensions?.get(GECKO_ID);
    expect(json?.type).toBe("multi_sz");
    expect(JSON.parse(((json?.data ?? []) as string[]).join("\n"))).toEqual(settings);
    expect(
      firefox.get(`SOFTWARE\\Policies\\Mozilla\\Firefox\\ExtensionSettings\\${GECKO_ID}`)?.get("default_area"),
    ).toEqual({ type: "sz", data: "navbar" });
  });

  it("ADMX and ADML are well-formed, reference each other, and hold a policy per setting", () => {
    for (const browser of ["chrome", "edge"]) {
      const admxText = text(`${browser}/windows/admx/shadowlight-${browser}.admx`);
      const admlText = text(`${browser}/windows/admx/en-US/shadowlight-${browser}.adml`);
      expect(XMLValidator.validate(admxText)).toBe(true);
      expect(XMLValidator.validate(admlText)).toBe(true);
      const admx = xmlParser.parse(admxText).policyDefinitions;
      const adml = xmlParser.parse(admlText).policyDefinitionResources.resources;
      const strings = new Set(asArray<{ id: string }>(adml.stringTable.string).map((entry) => entry.id));
      const presentations = new Map(
        asArray<Record<string, { refId: string }> & { id: string }>(adml.presentationTable.presentation).map((p) => [
          p.id,
          p,
        ]),
      );
      const policies = asArray<Record<string, unknown>>(admx.policies.policy);
      expect(policies.map((policy) => policy.name).sort()).toEqual(["InstallShadowlight", ...keys].sort());
      for (const policy of policies) {
        for (const attribute of ["displayName", "explainText"]) {
          const id = /^\$\(string\.(.+)\)$/.exec(policy[attribute] as string)?.[1];
          expect(id && strings.has(id), `${policy.name} ${attribute}`).toBe(true);
        }
        const presentation = /^\$\(presentation\.(.+)\)$/.exec((policy.presentation as string) ?? "")?.[1];
        if (presentation) {
          const element = Object.values((policy.elements ?? {}) as Record<string, { id: string }>)[0];
          const shown = presentations.get(presentation) as Record<string, { refId: string }> | undefined;
          expect(Object.values(shown ?? {}).find((entry) => typeof entry === "object")?.refId).toBe(element?.id);
        }
        if (policy.name !== "InstallShadowlight") {
          expect(policy.key).toBe(
            `SOFTWARE\\Policies\\${browser === "chrome" ? "Google\\Chrome" : "Microsoft\\Edge"}\\3rdparty\\extensions\\${browser === "chrome" ? CHROME_ID : EDGE_ID}\\policy`,
          );
        }
      }
    }
  });

  it("the Intune profile ingests the ADMX and sets every setting through it", () => {
    const profile = JSON.parse(text("chrome/intune/shadowlight-chrome-profile.json"));
    expect(profile["@odata.type"]).toBe("#microsoft.graph.windows10CustomConfiguration");
    const [ingest, install, ...rest] = profile.omaSettings as Array<{ omaUri: string; value: string }>;
    expect(ingest?.omaUri).toBe(
      "./Device/Vendor/MSFT/Policy/ConfigOperations/ADMXInstall/ShadowlightChrome/Policy/ShadowlightAdmx",
    );
    expect(ingest?.value).toBe(text("chrome/windows/admx/shadowlight-chrome.admx"));
    expect(install).toMatchObject({
      omaUri: "./Device/Vendor/MSFT/Policy/Config/ShadowlightChrome~Policy~Shadowlight/InstallShadowlight",
      value: "<enabled/>",
    });
    expect(rest.map((setting) => setting.omaUri.split("/").pop()).sort()).toEqual([...keys].sort());
    for (const setting of rest) {
      expect(XMLValidator.validate(`<root>${setting.value}</root>`)).toBe(true);
      const key = setting.omaUri.split("/").pop() as string;
      const parsed = xmlParser.parse(`<root>${setting.value}</root>`).root;
      if (typeof settings[key] === "boolean") expect(setting.value).toBe(settings[key] ? "<enabled/>" : "<disabled/>");
      else {
        expect(parsed.data.id).toBe(key);
        const expected = typeof settings[key] === "string" ? settings[key] : JSON.stringify(settings[key]);
        expect(String(parsed.data.value)).toBe(expected);
      }
    }
  });

  it("the Edge platform script sets the .reg file's keys and values, quoted", () => {
    const script = text("edge/intune/shadowlight-edge.ps1");
    const reg = parseReg(byPath.get("edge/windows/shadowlight-edge.reg") as Buffer);
    for (const [key, values] of reg) {
      expect(script).toContain(`New-Item -Path 'HKLM:\\${key}' -Force`);
      for (const name of values.keys()) expect(script).toContain(`-Name '${name}'`);
    }
    // The token's single quote is doubled inside a single-quoted string: no expression runs.
    expect(script).toContain(`-Value 't0k"en\\]''$(calc)<x>&'`);
  });

  it("Google Admin console JSON wraps every setting as {Value}", () => {
    const policy = JSON.parse(text("chrome/google-admin/policy-for-extensions.json"));
    expect(policy).toEqual(Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, { Value: value }])));
  });

  it("Firefox policies.json force-installs, puts the button in the toolbar and carries every setting", () => {
    expect(JSON.parse(text("firefox/policies.json"))).toEqual({
      policies: {
        ExtensionSettings: {
          [GECKO_ID]: {
            installation_mode: "force_installed",
            install_url: "https://downloads.example.com/shadowlight/shadowlight-0.1.0.xpi",
            default_area: "navbar",
          },
        },
        "3rdparty": { Extensions: { [GECKO_ID]: settings } },
      },
    });
  });

  it("the generated guide documents every setting and every file", () => {
    const guide = text("README.md");
    for (const key of keys) expect(guide).toContain(`\`${key}\``);
    for (const path of byPath.keys()) if (path !== "README.md") expect(guide).toContain(`\`${path}\``);
  });
});

describe("bad input changes nothing and says why", () => {
  const schema = managedSchema();
  const valid = sampleSettings(schema);
  const targets = { chrome: { id: CHROME_ID, updateUrl: CHROME_WEB_STORE_UPDATE_URL } };

  it.each([
    [{ ...valid, serverUrl: "javascript:alert(1)" }, /serverUrl must be an https URL/],
    [{ ...valid, serverUrl: "http://shadowlight.example.com" }, /serverUrl must be an https URL/],
    [{ ...valid, enrollmentToken: "" }, /enrollmentToken must not be empty/],
    [
      { ...valid, enrollmentToken: 'x"\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Evil]' },
      /enrollmentToken must not contain control/,
    ],
    [{ ...valid, group: "<b>Finance</b>" }, /group must be letters/],
    [{ ...valid, reporting: "yes" }, /reporting must be boolean, got string/],
    [{ ...valid, surprise: 1 }, /surprise is not a managed setting/],
    [{ reporting: true }, /serverUrl is required[\s\S]*enrollmentToken is required/],
  ])("refuses %j", (settings, message) => {
    expect(() => policyFiles({ settings, targets }, schema)).toThrow(message);
  });

  it("refuses ids and URLs that are not", () => {
    expect(() => policyFiles({ settings: valid, targets: {} }, schema)).toThrow(/at least one browser/);
    expect(() =>
      policyFiles({
        settings: valid,
        targets: { chrome: { id: "not-an-id", updateUrl: CHROME_WEB_STORE_UPDATE_URL } },
      }),
    ).toThrow(/32 letters/);
    expect(() =>
      policyFiles({
        settings: valid,
        targets: { edge: { id: EDGE_ID, updateUrl: "http://updates.example.com/x.xml" } },
      }),
    ).toThrow(/https/);
  });

  it("reads command-line values by the schema's type", () => {
    expect(parseSettingArgument("reporting", "false", schema)).toBe(false);
    expect(() => parseSettingArgument("reporting", "no", schema)).toThrow(/true or false/);
    expect(parseSettingArgument("group", "Sales", schema)).toBe("Sales");
    expect(checkSettings({ serverUrl: "https://a.example.com", enrollmentToken: "t" }, schema)).toEqual({
      serverUrl: "https://a.example.com",
      enrollmentToken: "t",
    });
  });
});

it("the file list covers every format for every browser", () => {
  const { files } = generate();
  const formats = (browser: PolicyFile["browser"]) =>
    files
      .filter((file) => file.browser === browser)
      .map((file) => file.format)
      .sort();
  expect(formats("chrome")).toEqual([
    "adml",
    "admx",
    "google-admin",
    "intune-profile",
    "linux-json",
    "mobileconfig",
    "reg",
  ]);
  expect(formats("edge")).toEqual(["adml", "admx", "linux-json", "mobileconfig", "powershell", "reg"]);
  expect(formats("firefox")).toEqual(["mobileconfig", "policies-json", "reg"]);
});
