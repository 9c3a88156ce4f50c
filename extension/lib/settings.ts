import { browser } from "wxt/browser";
import * as z from "zod";
import { censusKey } from "../../shared/catalog/discovery";
import { groupLabel } from "../../shared/group";
import { local, type Settings } from "./state";

export type { Settings };

export type SettingKey = keyof Settings;

export interface ResolvedSettings {
  settings: Settings;
  /** Which settings an administrator fixed through enterprise policy. */
  managed: SettingKey[];
  /** Settings that were refused, with the reason, for the options page. */
  problems: string[];
}

const serverUrl = z
  .string()
  .trim()
  .refine((value) => {
    if (value === "") return true;
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === "";
    } catch {
      return false;
    }
  }, "must be an http(s) URL such as https://shadowlight.example.com");

export const settingValidators: { [K in SettingKey]: z.ZodType<Settings[K]> } = {
  serverUrl: serverUrl.transform((value) => value.replace(/\/+$/, "")),
  enrollmentToken: z.string().trim().max(200, "must be at most 200 characters"),
  group: z.union([z.literal(""), groupLabel]),
  reporting: z.boolean(),
  extensionCensus: z.boolean(),
  censusKey: z.union([z.literal(""), censusKey]),
};

const BUILT_IN: Settings = {
  serverUrl: __SL_SERVER_URL__,
  enrollmentToken: __SL_ENROLLMENT_TOKEN__,
  group: __SL_GROUP__,
  reporting: true,
  extensionCensus: true,
  censusKey: "",
};

const MANAGED_WAIT_MS = 1500;

/** Whether managed storage answered (or refused: no policy) since this context started. */
let managedHeard = false;

/** Whether the managed settings in force are the browser's answer, not only the last one kept. */
export function managedSettingsHeard(): boolean {
  return managedHeard;
}

/**
 * Reads managed storage. Firefox rejects when no policy is set; Chromium may take seconds to
 * answer while its policy service starts. Counting must not wait for that, so after a short
 * wait the last answer seen (kept in storage.local) stands in, and the late answer is stored
 * when it comes (its change event then re-applies the settings).
 */
async function readManaged(wait: boolean): Promise<Record<string, unknown>> {
  const live = Promise.resolve()
    .then(() => browser.storage.managed.get(null))
    .then(
      async (values) => {
        managedHeard = true;
        const current = (values ?? {}) as Record<string, unknown>;
        const previous = await local.managedSnapshot.getValue();
        if (JSON.stringify(previous) !== JSON.stringify(current)) await local.managedSnapshot.setValue(current);
        return current;
      },
      () => {
        managedHeard = true;
        return {};
      },
    );
  if (!wait) return local.managedSnapshot.getValue();
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), MANAGED_WAIT_MS));
  return (await Promise.race([live, timeout])) ?? (await local.managedSnapshot.getValue());
}

/**
 * The settings in force: built-in defaults, then the options page, then managed storage,
 * which wins. A value that fails validation is ignored (the layer below stays in force) and
 * reported, so a typo in a policy file never breaks the extension silently.
 *
 * `waitForManaged: false` (the counting path) takes the last managed answer at once and lets
 * the live read update it in the background.
 */
export async function resolveSettings({ waitForManaged = true } = {}): Promise<ResolvedSettings> {
  const settings: Settings = { ...BUILT_IN };
  const problems: string[] = [];
  const managed: SettingKey[] = [];
  const layers: Array<[string, Record<string, unknown>]> = [
    ["options", await local.options.getValue()],
    ["managed policy", await readManaged(waitForManaged)],
  ];
  for (const [source, values] of layers) {
    for (const key of Object.keys(settingValidators) as SettingKey[]) {
      if (values[key] === undefined) continue;
      const result = settingValidators[key].safeParse(values[key]);
      if (!result.success) {
        problems.push(`${source}: ${key} ${result.error.issues[0]?.message ?? "is not valid"}`);
        continue;
      }
      (settings as unknown as Record<string, unknown>)[key] = result.data;
      if (source === "managed policy") managed.push(key);
    }
  }
  return { settings, managed, problems };
}
