import type { RegistryKey } from "./registry";
import type { ManagedSettings } from "./settings";

/*
 * Firefox enterprise policy: ExtensionSettings force-installs the add-on and puts its button
 * in the toolbar (`default_area: navbar`); `3rdparty.Extensions.<id>` is what the add-on reads
 * from storage.managed. On Windows, Firefox reads the same policies from the registry and
 * parses a REG_MULTI_SZ value as JSON, which keeps booleans boolean.
 */
export const FIREFOX_REGISTRY_ROOT = "SOFTWARE\\Policies\\Mozilla\\Firefox";
export const FIREFOX_PREFERENCE_DOMAIN = "org.mozilla.firefox";

function firefoxInstallSettings(installUrl: string): Record<string, string> {
  return { installation_mode: "force_installed", install_url: installUrl, default_area: "navbar" };
}

/** The `policies` object of policies.json (and the keys of the macOS profile). */
export function firefoxPolicies(
  target: { id: string; installUrl: string },
  settings: ManagedSettings,
): Record<string, unknown> {
  return {
    ExtensionSettings: { [target.id]: firefoxInstallSettings(target.installUrl) },
    "3rdparty": { Extensions: { [target.id]: settings } },
  };
}

export function firefoxRegistry(target: { id: string; installUrl: string }, settings: ManagedSettings): RegistryKey[] {
  return [
    {
      path: `${FIREFOX_REGISTRY_ROOT}\\ExtensionSettings\\${target.id}`,
      values: Object.entries(firefoxInstallSettings(target.installUrl)).map(([name, data]) => ({
        name,
        type: "sz" as const,
        data,
      })),
    },
    {
      path: `${FIREFOX_REGISTRY_ROOT}\\3rdparty\\Extensions`,
      values: [{ name: target.id, type: "multi_sz", data: JSON.stringify(settings) }],
    },
  ];
}
