import { useEffect, useMemo, useState } from "preact/hooks";
import type { CompiledTool } from "../../../../shared/catalog/compile";
import { evaluatePolicy, type ToolReview } from "../../../../shared/policy/evaluate";
import { ApiError, send, useResource } from "../api";
import { catalogById, catalogTools, toolsByName } from "../catalog";
import { Async, FormError, Loading, PageTitle, ReadOnlyNote, SelectField } from "../components/ui";
import { num, when } from "../format";
import { diffLines, hunks, policyText } from "../policy/diff";
import { NudgePreview } from "../policy/NudgePreview";
import { PolicyForm } from "../policy/PolicyForm";
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
  const [mode, setMode] = useState<"form" | "json">("form");
  const [text, setText] = useState(() => JSON.stringify(current, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [validation, setValidation] = useState<Validation | null>(null);
  const [busy, setBusy] = useState<"validate" | "publish" | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const nextVersion = Math.max(current.version, ...index.versions.map((v) => v.version)) + 1;
  const changed = policyText(draft) !== policyText(current);

  const edit = (next: PolicyData) => {
    setDraft(next);
    setText(JSON.stringify(next, null, 2));
    setValidation(null);
    onEdited();
  };
  const editText = (next: string) => {
    setText(next);
    setValidation(null);
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

  const run = async (kind: "validate" | "publish") => {
    setBusy(kind);
    setError(null);
    try {
      if (kind === "validate") {
        setValidation(await send<Validation>("POST", "/policy/validate", { policy: draft }));
      } else {
        const result = await send<PolicyPublishResponse>("POST", "/policy", { policy: draft });
        onPublished(result.version);
      }
    } catch (caught) {
      const failure = caught instanceof ApiError ? caught : new ApiError(0, String(caught));
      if (failure.issues.length) setValidation({ ok: false, issues: failure.issues });
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <p class="intro">
        Version <strong>v{current.version}</strong> is in force: “{current.name}”, {num(current.rules.length)} rules.
        Devices fetch it with their next policy request; acknowledgements are asked again for a new version.
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
            <PolicyForm policy={draft} issues={validation?.issues ?? []} onChange={edit} />
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
            <button type="button" class="secondary" disabled={jsonError !== null} onClick={() => run("validate")}>
              {busy === "validate" ? "Validating…" : "Validate"}
            </button>
            <button type="button" disabled={jsonError !== null || !changed} onClick={() => run("publish")}>
              {busy === "publish" ? "Publishing…" : `Publish as v${nextVersion}`}
            </button>
            <button type="button" class="secondary" disabled={!changed} onClick={() => edit(current)}>
              Discard changes
            </button>
            {!changed && <span class="muted">No changes to publish.</span>}
          </div>
        </fieldset>
        {validation && (
          <div
            class={validation.ok ? "callout callout-ok" : "callout callout-error"}
            role={validation.ok ? "status" : "alert"}
            data-testid="validation"
          >
            {validation.ok ? (
              <p>The policy is valid.</p>
            ) : (
              <>
                <p>The policy has {num(validation.issues.length)} problem(s):</p>
                <ul>
                  {validation.issues.map((issue) => (
                    <li key={issue}>{issue}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        {error && !validation && <FormError error={error} />}
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

/** A status for each tool: the server's review for tools in use, unreviewed otherwise. */
function reviewOf(seen: Map<string, InventoryTool>, id: string): ToolReview {
  return { status: seen.get(id)?.status ?? "unreviewed" };
}

/**
 * A tool that meets a rule's conditions other than status, preferring tools in use, and the
 * status under which the rule would apply to it.
 */
function exampleFor(rule: PolicyData["rules"][number], seen: Map<string, InventoryTool>) {
  const w = rule.when ?? {};
  const fits = (tool: CompiledTool) =>
    (!w.tools || w.tools.includes(tool.id)) &&
    (!w.categories || w.categories.includes(tool.category)) &&
    (!w.riskLevels || w.riskLevels.includes(tool.level)) &&
    (w.minRisk === undefined || tool.risk >= w.minRisk);
  const tool = [...catalogTools]
    .filter(fits)
    .sort((a, b) => (seen.get(b.id)?.devices30 ?? -1) - (seen.get(a.id)?.devices30 ?? -1))[0];
  if (!tool) return null;
  const real = reviewOf(seen, tool.id).status;
  const status = !w.statuses || w.statuses.includes(real) ? real : (w.statuses[0] ?? real);
  return { tool, status };
}

function Previews({ policy, seen }: { policy: PolicyData; seen: InventoryTool[] }) {
  const seenById = useMemo(() => new Map(seen.map((tool) => [tool.id, tool])), [seen]);
  const [chosen, setChosen] = useState(seen[0]?.id ?? "chatgpt");
  useEffect(() => {
    if (seen[0] && !catalogById.has(chosen)) setChosen(seen[0].id);
  }, [seen, chosen]);
  const rules = Array.isArray(policy.rules) ? policy.rules : [];
  // Which rule decides each tool in use under the draft: shows rules that never fire.
  const decidedBy = new Map<string, number>();
  for (const tool of seen) {
    const compiled = catalogById.get(tool.id);
    if (!compiled) continue;
    const ruleId = safeEvaluate(policy, compiled, reviewOf(seenById, tool.id))?.ruleId ?? "";
    decidedBy.set(ruleId, (decidedBy.get(ruleId) ?? 0) + 1);
  }
  const chosenTool = catalogById.get(chosen);
  const chosenDecision = chosenTool ? safeEvaluate(policy, chosenTool, reviewOf(seenById, chosen)) : null;
  return (
    <section class="card" aria-labelledby="preview-title">
      <h3 id="preview-title">Preview: what people see</h3>
      <div class="toolbar">
        <SelectField label="Preview the draft for" value={chosen} onChange={setChosen}>
          {seen.length > 0 && (
            <optgroup label="Tools in use">
              {seen.map((tool) => (
                <option key={tool.id} value={tool.id}>
                  {tool.name}
                </option>
              ))}
            </optgroup>
          )}
          <optgroup label="Whole catalog">
            {toolsByName.map((tool) => (
              <option key={tool.id} value={tool.id}>
                {tool.name}
              </option>
            ))}
          </optgroup>
        </SelectField>
        {chosenDecision && (
          <span class="muted">
            decided by {chosenDecision.ruleId === "fallback" ? "the fallback" : `rule “${chosenDecision.ruleId}”`} (
            {chosenDecision.status.replace(/_/g, " ")})
          </span>
        )}
      </div>
      {chosenTool && chosenDecision ? (
        <div data-testid="tool-preview">
          <NudgePreview decision={chosenDecision} tool={chosenTool} reasons={policy.reasons ?? []} />
        </div>
      ) : (
        <p class="muted">The draft cannot be evaluated yet: it needs rules and a fallback action.</p>
      )}
      <h4>Each rule</h4>
      <ol class="previews">
        {rules.map((rule, i) => {
          const example = exampleFor(rule, seenById);
          const decision = example
            ? safeEvaluate({ ...policy, rules: [rule] }, example.tool, { status: example.status })
            : null;
          const inUse = decidedBy.get(rule.id) ?? 0;
          return (
            <li key={`${i}-${rule.id}`} class="preview-item" data-rule={rule.id}>
              <p class="preview-caption">
                <strong>{rule.id}</strong> · {rule.action}
                {example && (
                  <>
                    {" "}
                    · example: {example.tool.name} ({example.status.replace(/_/g, " ")})
                  </>
                )}
                <br />
                <span class={inUse === 0 && seen.length > 0 ? "warn" : "muted"}>
                  decides {num(inUse)} of {num(seen.length)} tools in use
                </span>
              </p>
              {example && decision ? (
                <>
                  {decision.action !== rule.action && (
                    <p class="muted small">
                      With no approved alternative for {example.tool.name}, “{rule.action}” is shown as “
                      {decision.action}”.
                    </p>
                  )}
                  <NudgePreview decision={decision} tool={example.tool} reasons={policy.reasons ?? []} />
                </>
              ) : (
                <p class="warn">No catalog tool meets this rule's conditions.</p>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** A draft being typed may be incomplete; the preview then waits rather than failing. */
function safeEvaluate(policy: PolicyData, tool: CompiledTool, review: ToolReview) {
  try {
    // JSON being typed may lack the keys the schema would default.
    const complete: PolicyData = Object.assign({ reasons: [], reacknowledgeDays: 90 }, policy);
    const decision = evaluatePolicy(complete, tool, review);
    return decision.action ? decision : null;
  } catch {
    return null;
  }
}

function Diff({ before, after }: { before: string; after: string }) {
  const parts = hunks(diffLines(before, after));
  const added = parts.reduce((n, h) => n + ("lines" in h ? h.lines.filter((l) => l.kind === "added").length : 0), 0);
  const removed = parts.reduce(
    (n, h) => n + ("lines" in h ? h.lines.filter((l) => l.kind === "removed").length : 0),
    0,
  );
  if (added === 0 && removed === 0) return <p class="muted">No differences.</p>;
  return (
    <div class="diff" data-testid="diff">
      <p class="muted">
        {num(added)} line(s) added, {num(removed)} removed.
      </p>
      <pre>
        {parts.map((part, i) =>
          "skipped" in part ? (
            <span key={i} class="diff-skip">
              {`  … ${part.skipped} unchanged line(s)\n`}
            </span>
          ) : (
            part.lines.map((line, j) => (
              <span key={`${i}-${j}`} class={`diff-${line.kind}`}>
                <span class="sr-only">{line.kind === "same" ? "" : `${line.kind}: `}</span>
                {`${line.kind === "added" ? "+" : line.kind === "removed" ? "-" : " "} ${line.text}\n`}
              </span>
            ))
          ),
        )}
      </pre>
    </div>
  );
}

function History({ index }: { index: PolicyIndex }) {
  const versions = [...index.versions].sort((a, b) => b.version - a.version);
  const [selected, setSelected] = useState(versions[0]?.version ?? index.current.version);
  const previous = versions.find((v) => v.version < selected)?.version ?? null;
  const [after] = useResource<{ policy: PolicyData }>(`/policy/${selected}`);
  const [before] = useResource<{ policy: PolicyData }>(previous === null ? null : `/policy/${previous}`);
  return (
    <section class="card" aria-labelledby="history-title">
      <h3 id="history-title">Published versions</h3>
      <table class="data" data-testid="policy-versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Published</th>
            <th scope="col">By</th>
            <th scope="col">Changes</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-version={v.version} class={v.version === selected ? "current" : ""}>
              <th scope="row">v{v.version}</th>
              <td>{when(v.publishedAt)}</td>
              <td>{v.publishedBy}</td>
              <td>
                <button
                  type="button"
                  class="secondary small"
                  aria-pressed={v.version === selected}
                  onClick={() => setSelected(v.version)}
                >
                  Show changes in v{v.version}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>{previous === null ? `v${selected}: the first version` : `Changes from v${previous} to v${selected}`}</h4>
      {previous === null ? (
        <p class="muted">There is no earlier version to compare with.</p>
      ) : after.kind === "ready" && before.kind === "ready" ? (
        <Diff before={policyText(before.data.policy)} after={policyText(after.data.policy)} />
      ) : after.kind === "error" || before.kind === "error" ? (
        <FormError error={after.kind === "error" ? after.error : before.kind === "error" ? before.error : null} />
      ) : (
        <Loading what="the versions" />
      )}
    </section>
  );
}
