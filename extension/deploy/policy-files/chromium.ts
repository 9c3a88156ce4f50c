import type { RegistryKey, RegistryValue } from "./registry";
import type { ManagedSettings, SettingValue } from "./settings";

/*
 * Chrome and Edge share the policy model: ExtensionSettings force-installs and pins the
 * extension, `3rdparty.extensions.<id>` carries the managed settings into storage.managed.
 * Chrome pins with `toolbar_pin: force_pinned`, Edge shows the icon with
 * `toolbar_state: force_shown` (each vendor's ExtensionSettings reference).
 */
export type Chromium = "chrome" | "edge";

export const REGISTRY_ROOT: Record<Chromium, string> = {
  chrome: "SOFTWARE\\Policies\\Google\\Chrome",
  edge: "SOFTWARE\\Policies\\Microsoft\\Edge",
};

/** macOS preference domains the browsers read managed policy from. */
export const PREFERENCE_DOMAIN: Record<Chromium, string> = {
  chrome: "com.google.Chrome",
  edge: "com.microsoft.Edge",
};

export const BROWSER_NAME: Record<Chromium, string> = { chrome: "Google Chrome", edge: "Microsoft Edge" };

export function installSettings(browser: Chromium, updateUrl: string): Record<string, string> {
  return {
    installation_mode: "force_installed",
    update_url: updateUrl,
    ...(browser === "chrome" ? { toolbar_pin: "force_pinned" } : { toolbar_state: "force_shown" }),
  };
}

/** The policy as Linux JSON (/etc/opt/chrome/policies/managed/) and macOS preferences hold it. */
export function chromiumPolicy(
  browser: Chromium,
  target: { id: string; updateUrl: string },
  settings: ManagedSettings,
): Record<string, unknown> {
  return {
    ExtensionSettings: { [target.id]: installSettings(browser, target.updateUrl) },
    "3rdparty": { extensions: { [target.id]: settings } },
  };
}

/** A setting as a registry value: Chrome converts strings and DWORDs to the schema's type. */
function registryValue(name: string, value: SettingValue): RegistryValue {
  if (typeof value === "boolean") return { name, type: "dword", data: value ? 1 : 0 };
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return { name, type: "dword", data: value };
  if (typeof value === "string") return { name, type: "sz", data: value };
  // Lists, dictionaries and fractions travel as JSON text, which Chrome parses by the schema.
  return { name, type: "sz", data: JSON.stringify(value) };
}

/** ExtensionSettings as a per-extension subkey, so it adds to an organization's other entries. */
export function chromiumRegistry(
  browser: Chromium,
  target: { id: string; updateUrl: string },
  settings: ManagedSettings,
): RegistryKey[] {
  const root = REGISTRY_ROOT[browser];
  return [
    {
      path: `${root}\\ExtensionSettings\\${target.id}`,
      values: Object.entries(installSettings(browser, target.updateUrl)).map(([name, data]) => ({
        name,
        type: "sz" as const,
        data,
      })),
    },
    {
      path: `${root}\\3rdparty\\extensions\\${target.id}\\policy`,
      values: Object.entries(settings).map(([name, value]) => registryValue(name, value)),
    },
  ];
}
