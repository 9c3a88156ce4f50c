/**
 * `npm run policy-files -- --server-url URL --enrollment-token TOKEN [options]`: the
 * enterprise policy files for Chrome, Edge and Firefox on Windows, macOS and Linux, Intune and
 * the Google Admin console, in dist/policy-files (see policy-files/ and README.md there).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "../../worker/dev/local";
import { writePolicyFiles } from "./policy-files/index";
import { managedSchema, parseSettingArgument } from "./policy-files/settings";
import { CHROME_WEB_STORE_UPDATE_URL, EDGE_ADD_ONS_UPDATE_URL, FIREFOX_ID, type Targets } from "./policy-files/targets";

const USAGE = `usage: npm run policy-files -- --server-url URL --enrollment-token TOKEN
  [--group LABEL] [--reporting true|false] [--set key=value ...]
  [--chrome-id ID [--chrome-update-url URL]] [--edge-id ID [--edge-update-url URL]]
  [--firefox-install-url URL] [--out DIR]
Store items use the stores' update URLs; a self-hosted CRX uses SHADOWLIGHT_UPDATE_URL + updates.xml.`;

function main(): void {
  const { values } = parseArgs({
    options: {
      "server-url": { type: "string" },
      "enrollment-token": { type: "string" },
      group: { type: "string" },
      reporting: { type: "string" },
      set: { type: "string", multiple: true },
      "chrome-id": { type: "string" },
      "chrome-update-url": { type: "string" },
      "edge-id": { type: "string" },
      "edge-update-url": { type: "string" },
      "firefox-install-url": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const schema = managedSchema();
  const settings: Record<string, unknown> = {
    serverUrl: values["server-url"],
    enrollmentToken: values["enrollment-token"],
    group: values.group,
    reporting: values.reporting === undefined ? undefined : parseSettingArgument("reporting", values.reporting, schema),
  };
  for (const pair of values.set ?? []) {
    const at = pair.indexOf("=");
    if (at < 1) throw new Error(`--set takes key=value, got "${pair}"`);
    const key = pair.slice(0, at);
    settings[key] = parseSettingArgument(key, pair.slice(at + 1), schema);
  }
  const targets: Targets = {};
  if (values["chrome-id"]) {
    targets.chrome = { id: values["chrome-id"], updateUrl: values["chrome-update-url"] ?? CHROME_WEB_STORE_UPDATE_URL };
  }
  if (values["edge-id"]) {
    targets.edge = { id: values["edge-id"], updateUrl: values["edge-update-url"] ?? EDGE_ADD_ONS_UPDATE_URL };
  }
  if (values["firefox-install-url"]) targets.firefox = { id: FIREFOX_ID, installUrl: values["firefox-install-url"] };
  const outDir = values.out ?? join(ROOT, "dist", "policy-files");
  const files = writePolicyFiles({ settings, targets }, outDir);
  console.log(`Wrote ${files.length} policy files to ${outDir} (see README.md there):`);
  for (const file of files) console.log(`  ${file.path}`);
}

try {
  main();
} catch (error) {
  console.error(`npm run policy-files: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(1);
}
