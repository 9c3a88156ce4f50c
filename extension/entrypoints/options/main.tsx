import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { t } from "../../lib/i18n";
import { type DeviceStatus, send } from "../../lib/messages";
import { type ResolvedSettings, resolveSettings, type SettingKey, settingValidators } from "../../lib/settings";
import { local } from "../../lib/state";
import { DeviceStanding } from "../../ui/standing";
import "../../lib/page.css";

const TEXT_FIELDS: Array<{ key: Exclude<SettingKey, "reporting">; secret: boolean }> = [
  { key: "serverUrl", secret: false },
  { key: "enrollmentToken", secret: true },
  { key: "group", secret: false },
];

function Options() {
  const [resolved, setResolved] = useState<ResolvedSettings | null>(null);
  const [draft, setDraft] = useState<Record<string, string | boolean>>({});
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const [standing, setStanding] = useState<DeviceStatus | null>(null);

  const load = async () => {
    const current = await resolveSettings();
    setResolved(current);
    setDraft({ ...current.settings });
    setStanding((await send("status:get", {})).settings);
  };
  useEffect(() => {
    void load();
    // Managed settings can arrive (or change) while the page is open: show them at once.
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      const standingChanged = ["managedSnapshot", "options", "device", "enrollment", "revoked"].some(
        (key) => key in changes,
      );
      if (area === "managed" || (area === "local" && standingChanged)) {
        void load();
      }
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, []);

  const save = async (event: Event) => {
    event.preventDefault();
    if (!resolved) return;
    const problems: string[] = [];
    const values: Record<string, unknown> = {};
    for (const key of Object.keys(settingValidators) as SettingKey[]) {
      if (resolved.managed.includes(key)) continue;
      const result = settingValidators[key].safeParse(draft[key]);
      if (result.success) values[key] = result.data;
      else problems.push(`${t(`setting_${key}`)}: ${result.error.issues[0]?.message ?? "not valid"}`);
    }
    setErrors(problems);
    setSaved(false);
    // Nothing is stored unless every field is valid.
    if (problems.length) return;
    // A new token or group is a new enrollment: the background re-enrolls when it sees the change.
    await local.options.setValue({ ...(await local.options.getValue()), ...values });
    setSaved(true);
    await load();
  };

  if (!resolved) return <p class="page muted">{t("loading")}</p>;
  return (
    <main class="page">
      <h1>{t("optionsHeading")}</h1>
      <p>{t("optionsIntro")}</p>
      {standing && <DeviceStanding status={standing} />}
      {resolved.problems.length > 0 && (
        <div role="alert" class="error" data-testid="settings-problems">
          <p>{t("optionsRefused")}</p>
          <ul>
            {resolved.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      )}
      <form onSubmit={save} noValidate>
        {TEXT_FIELDS.map(({ key, secret }) => {
          const locked = resolved.managed.includes(key);
          const common = {
            id: `setting-${key}`,
            name: key,
            value: String(draft[key] ?? ""),
            disabled: locked,
            onInput: (e: Event) => setDraft({ ...draft, [key]: (e.target as HTMLInputElement).value }),
          };
          return (
            <div key={key}>
              <label for={common.id}>
                {t(`setting_${key}`)}
                {locked && <span class="locked"> · {t("managedByAdmin")}</span>}
              </label>
              {secret ? <input type="password" autocomplete="off" {...common} /> : <input type="text" {...common} />}
            </div>
          );
        })}
        <label>
          <input
            type="checkbox"
            name="reporting"
            checked={draft.reporting === true}
            disabled={resolved.managed.includes("reporting")}
            onChange={(e) => setDraft({ ...draft, reporting: (e.target as HTMLInputElement).checked })}
          />{" "}
          {t("setting_reporting")}
          {resolved.managed.includes("reporting") && <span class="locked"> · {t("managedByAdmin")}</span>}
        </label>
        {errors.length > 0 && (
          <ul role="alert" class="error" data-testid="save-errors">
            {errors.map((error) => (
              <li key={error}>{error}</li>
            ))}
          </ul>
        )}
        <button type="submit" class="primary">
          {t("save")}
        </button>
        {saved && (
          <span role="status" class="small">
            {" "}
            {t("saved")}
          </span>
        )}
      </form>
    </main>
  );
}

const root = document.getElementById("app");
if (root) render(<Options />, root);
