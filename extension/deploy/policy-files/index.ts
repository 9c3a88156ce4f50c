import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { adml, admx, admxName } from "./admx";
import { BROWSER_NAME, type Chromium, chromiumPolicy, chromiumRegistry, PREFERENCE_DOMAIN } from "./chromium";
import { FIREFOX_PREFERENCE_DOMAIN, firefoxPolicies, firefoxRegistry } from "./firefox";
import { googleAdminPolicy } from "./google-admin";
import { policyFilesGuide } from "./guide";
import { intuneChromeProfile } from "./intune";
import { mobileconfig } from "./mobileconfig";
import { powershellScript, regFileBytes } from "./registry";
import { checkSettings, type ManagedSchema, managedSchema } from "./settings";
import { checkTargets, type PolicyInput } from "./targets";

/*
 * Every policy file an organization deploys, generated from the managed-settings schema and
 * one set of values, so a setting added to the schema appears in all of them at once.
 */
export interface PolicyFile {
  /** Relative to the output folder. */
  path: string;
  browser: Chromium | "firefox" | "all";
  /** What reads the file. */
  format:
    | "linux-json"
    | "reg"
    | "admx"
    | "adml"
    | "mobileconfig"
    | "intune-profile"
    | "powershell"
    | "google-admin"
    | "policies-json"
    | "guide";
}

export function policyFiles(
  input: PolicyInput,
  schema: ManagedSchema = managedSchema(),
): Map<PolicyFile, string | Buffer> {
  const settings = checkSettings(input.settings, schema);
  const targets = checkTargets(input.targets);
  const files = new Map<PolicyFile, string | Buffer>();
  const add = (file: PolicyFile, content: string | Buffer) => files.set(file, content);
  for (const browser of ["chrome", "edge"] as const) {
    const target = targets[browser];
    if (!target) continue;
    const policy = chromiumPolicy(browser, target, settings);
    add(
      { path: `${browser}/linux/shadowlight.json`, browser, format: "linux-json" },
      `${JSON.stringify(policy, null, 2)}\n`,
    );
    add(
      { path: `${browser}/macos/shadowlight-${browser}.mobileconfig`, browser, format: "mobileconfig" },
      mobileconfig({
        identifier: `dev.shadowlight.policy.${browser}`,
        displayName: `Shadowlight for ${BROWSER_NAME[browser]}`,
        description: `Installs Shadowlight in ${BROWSER_NAME[browser]} and sets its managed settings.`,
        domain: PREFERENCE_DOMAIN[browser],
        policy,
      }),
    );
    const registry = chromiumRegistry(browser, target, settings);
    add({ path: `${browser}/windows/shadowlight-${browser}.reg`, browser, format: "reg" }, regFileBytes(registry));
    add(
      { path: `${browser}/windows/admx/${admxName(browser)}.admx`, browser, format: "admx" },
      admx(browser, target.id, target.updateUrl, schema),
    );
    add(
      { path: `${browser}/windows/admx/en-US/${admxName(browser)}.adml`, browser, format: "adml" },
      adml(browser, schema),
    );
    if (browser === "chrome") {
      add(
        { path: "chrome/intune/shadowlight-chrome-profile.json", browser, format: "intune-profile" },
        `${JSON.stringify(intuneChromeProfile(target, settings, schema), null, 2)}\n`,
      );
      add(
        { path: "chrome/google-admin/policy-for-extensions.json", browser, format: "google-admin" },
        `${JSON.stringify(googleAdminPolicy(settings), null, 2)}\n`,
      );
    } else {
      add(
        { path: "edge/intune/shadowlight-edge.ps1", browser, format: "powershell" },
        powershellScript(registry, "Shadowlight for Microsoft Edge: force-install, toolbar and managed settings"),
      );
    }
  }
  if (targets.firefox) {
    const policies = firefoxPolicies(targets.firefox, settings);
    add(
      { path: "firefox/policies.json", browser: "firefox", format: "policies-json" },
      `${JSON.stringify({ policies }, null, 2)}\n`,
    );
    add(
      { path: "firefox/macos/shadowlight-firefox.mobileconfig", browser: "firefox", format: "mobileconfig" },
      mobileconfig({
        identifier: "dev.shadowlight.policy.firefox",
        displayName: "Shadowlight for Firefox",
        description: "Installs Shadowlight in Firefox and sets its managed settings.",
        domain: FIREFOX_PREFERENCE_DOMAIN,
        policy: { EnterprisePoliciesEnabled: true, ...policies },
      }),
    );
    add(
      { path: "firefox/windows/shadowlight-firefox.reg", browser: "firefox", format: "reg" },
      regFileBytes(firefoxRegistry(targets.firefox, settings)),
    );
  }
  add({ path: "README.md", browser: "all", format: "guide" }, policyFilesGuide([...files.keys()], schema, targets));
  return files;
}

export function writePolicyFiles(input: PolicyInput, outDir: string): PolicyFile[] {
  const files = policyFiles(input);
  for (const [file, content] of files) {
    const path = join(outDir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode: 0o600 });
  }
  return [...files.keys()];
}
