import { useState } from "preact/hooks";
import { send, useAction, useResource } from "../api";
import { toolsByName } from "../catalog";
import { Async, PageTitle, Problem, ReadOnlyNote } from "../components/ui";
import { count } from "../format";
import { Diff } from "../policy/DiffView";
import { policyText } from "../policy/diff";
import { History } from "../policy/History";
import { LessonEditor } from "../policy/lessons/LessonEditor";
import { PolicyForm } from "../policy/PolicyForm";
import { Previews } from "../policy/Previews";
import "../policy/policy.css";
import { useCanEdit } from "../session";
import type { InventoryTool, Policy as PolicyData, PolicyIndex, PolicyPublishResponse, Validation } from "../types";

export default function Policy() {
  const [index, reload] = useResource<PolicyIndex>("/policy");
  const [inventory] = useResource<{ tools: InventoryTool[] }>("/inventory");
  // Kept here: the editor starts afresh from the new version once it is published.
  const [published, setPublished] = useState<number | null>(null);
  const seen = inventory.kind === "ready" ? inventory.data.tools : [];
  return (
    <>
      <PageTitle title="Policy" />
      {published !== null && (
        <p class="callout callout-ok" role="status">
          Published version v{published}. Devices receive it with their next policy fetch.
        </p>
      )}
      <Async resource={index} what="the policy">
        {(data) => (
          <Editor
            key={data.current.version}
            index={data}
            seen={seen}
            onEdited={() => setPublished(null)}
            onPublished={(version) => {
              setPublished(version);
              reload();
            }}
          />
        )}
      </Async>
    </>
  );
}

function Editor({
  index,
  seen,
  onEdited,
  onPublished,
}: {
  index: PolicyIndex;
  seen: InventoryTool[];
  onEdited: () => void;
  onPublished: (version: number) => void;
}) {
  const canEdit = useCanEdit();
  const current = index.current;
  const [draft, setDraft] = useState<PolicyData>(current);
  const [mode, setMode] = useState<"form" | "lessons" | "json">("form");
  const [text, setText] = useState(() => JSON.stringify(current, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [validation, setValidation] = useState<Validation | null>(null);
  const { busy, error, run, clearError } = useAction();
  const nextVersion = Math.max(current.version, ...index.versions.map((v) => v.version)) + 1;
  const changed = policyText(draft) !== policyText(current);

  const edit = (next: PolicyData) => {
    setDraft(next);
    setText(JSON.stringify(next, null, 2));
    setValidation(null);
    clearError();
    onEdited();
  };
  const editText = (next: string) => {
    setText(next);
    setValidation(null);
    clearError();
    onEdited();
    try {
      const parsed = JSON.parse(next) as unknown;
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        setJsonError("The policy must be a JSON object.");
        return;
      }
      setDraft(parsed as PolicyData);
      setJsonError(null);
    } catch (caught) {
      setJsonError(`Not valid JSON: ${(caught as Error).message}`);
    }
  };

  const validate = () =>
    run(async () => setValidation(await send<Validation>("POST", "/policy/validate", { policy: draft })), "validate");
  const publish = async () => {
    const result = await run(() => send<PolicyPublishResponse>("POST", "/policy", { policy: draft }), "publish");
    if (result) onPublished(result.version);
  };
  // A refused publication names its issues: show them where validation shows its own.
  const issues = validation?.issues ?? error?.issues ?? [];
  const shownValidation: Validation | null =
    validation ?? (error && error.issues.length > 0 ? { ok: false, issues: error.issues } : null);

  return (
    <>
      <p class="intro">
        Version <strong>v{current.version}</strong> is in force: “{current.name}”, {count(current.rules.length, "rule")}
        . Devices fetch it with their next policy request; acknowledgements are asked again for a new version.
      </p>
      <ReadOnlyNote action="edit, validate or publish the policy" />
      <section class="card" aria-labelledby="editor-title">
        <div class="section-head">
          <h3 id="editor-title">Edit {changed ? "(unpublished changes)" : ""}</h3>
          <fieldset class="tabs">
            <legend class="sr-only">Edit as</legend>
            <button
              type="button"
              class={mode === "form" ? "tab selected" : "tab"}
              aria-pressed={mode === "form"}
              disabled={jsonError !== null}
              title={jsonError ? "Fix the JSON first" : undefined}
              onClick={() => setMode("form")}
            >
              Form
            </button>
            <button
              type="button"
              class={mode === "lessons" ? "tab selected" : "tab"}
              aria-pressed={mode === "lessons"}
              disabled={jsonError !== null}
              title={jsonError ? "Fix the JSON first" : undefined}
              onClick={() => setMode("lessons")}
            >
              Lessons
            </button>
            <button
              type="button"
              class={mode === "json" ? "tab selected" : "tab"}
              aria-pressed={mode === "json"}
              onClick={() => setMode("json")}
            >
              JSON
            </button>
          </fieldset>
        </div>
        <datalist id="catalog-tool-ids">
          {toolsByName.map((tool) => (
            <option key={tool.id} value={tool.id}>
              {tool.name}
            </option>
          ))}
        </datalist>
        <fieldset class="plain" disabled={!canEdit || busy !== null}>
          {mode === "form" ? (
            <PolicyForm policy={draft} issues={issues} onChange={edit} />
          ) : mode === "lessons" ? (
            <LessonEditor policy={draft} issues={issues} onChange={edit} />
          ) : (
            <label class="json-editor">
              Policy as JSON (the version is assigned when publishing)
              <textarea
                rows={28}
                spellcheck={false}
                value={text}
                aria-invalid={jsonError !== null}
                aria-describedby="json-error"
                onInput={(e) => editText((e.target as HTMLTextAreaElement).value)}
              />
            </label>
          )}
          <p id="json-error" class="error" role={jsonError ? "alert" : undefined}>
            {jsonError}
          </p>
          <div class="actions editor-actions">
            <button type="button" class="secondary" disabled={jsonError !== null} onClick={validate}>
              {busy === "validate" ? "Validating…" : "Validate"}
            </button>
            <button type="button" disabled={jsonError !== null || !changed} onClick={publish}>
              {busy === "publish" ? "Publishing…" : `Publish as v${nextVersion}`}
            </button>
            <button type="button" class="secondary" disabled={!changed} onClick={() => edit(current)}>
              Discard changes
            </button>
            {!changed && <span class="muted">No changes to publish.</span>}
          </div>
        </fieldset>
        {shownValidation && (
          <div
            class={shownValidation.ok ? "callout callout-ok" : "callout callout-error"}
            role={shownValidation.ok ? "status" : "alert"}
            data-testid="validation"
          >
            {shownValidation.ok ? (
              <p>The policy is valid.</p>
            ) : (
              <>
                <p>The policy has {count(shownValidation.issues.length, "problem")}:</p>
                <ul>
                  {shownValidation.issues.map((issue) => (
                    <li key={issue}>{issue}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        {error && !shownValidation && <Problem error={error} />}
      </section>

      <Previews policy={draft} seen={seen} />

      <section class="card" aria-labelledby="changes-title">
        <h3 id="changes-title">Your changes against v{current.version}</h3>
        {changed ? <Diff before={policyText(current)} after={policyText(draft)} /> : <p class="muted">None.</p>}
      </section>

      <History index={index} />
    </>
  );
}
