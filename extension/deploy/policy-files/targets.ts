import { GECKO_ID } from "../../../wxt.config";
import { CHROME_ID_PATTERN } from "../chrome-id";
import { deploymentUrl } from "../urls";

/** Where each browser installs the extension from, and its id there. */
export interface Targets {
  chrome?: { id: string; updateUrl: string };
  edge?: { id: string; updateUrl: string };
  firefox?: { id: string; installUrl: string };
}

export interface PolicyInput {
  /** Checked against the managed schema before anything is written. */
  settings: Record<string, unknown>;
  targets: Targets;
}

/** Public update services of the stores (the ExtensionSettings `update_url` of a store item). */
export const CHROME_WEB_STORE_UPDATE_URL = "https://clients2.google.com/service/update2/crx";
export const EDGE_ADD_ONS_UPDATE_URL = "https://edge.microsoft.com/extensionwebstorebase/v1/crx";

export const FIREFOX_ID = GECKO_ID;

export function checkTargets(targets: Targets): Targets {
  if (!targets.chrome && !targets.edge && !targets.firefox) {
    throw new Error("name at least one browser: a Chrome id, an Edge id or a Firefox install URL");
  }
  for (const [name, target] of [
    ["Chrome", targets.chrome],
    ["Edge", targets.edge],
  ] as const) {
    if (!target) continue;
    if (!CHROME_ID_PATTERN.test(target.id)) throw new Error(`${name} extension id must be 32 letters a-p`);
    deploymentUrl(`${name} update URL`, target.updateUrl);
  }
  if (targets.firefox) deploymentUrl("Firefox install URL", targets.firefox.installUrl, { allowFile: true });
  return targets;
}
