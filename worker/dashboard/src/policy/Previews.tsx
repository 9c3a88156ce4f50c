import { useEffect, useMemo, useState } from "preact/hooks";
import type { CompiledTool } from "../../../../shared/catalog/compile";
import { REVIEW_STATUSES, type ReviewStatus } from "../../../../shared/events";
import { catalogById, catalogTools, toolsByName } from "../catalog";
import { SelectField } from "../components/ui";
import { count, num, todayUtc } from "../format";
import { actionName, reviewStatusName } from "../labels";
import type { InventoryTool, Policy } from "../types";
import { type Rule, reviewOf, ruleMatches, safeEvaluate, safeLesson } from "./draft";
import { NudgePreview } from "./NudgePreview";

const PREVIEW_KEY = "shadowlight.previewTool";

/**
 * Tools most people recognize, for a preview when no tool in use fits a rule, so a preview
 * never falls to whatever comes first in the alphabet.
 */
const FAMILIAR = [
  "chatgpt",
  "claude",
  "microsoft-copilot",
  "google-gemini",
  "m365-copilot",
  "github-copilot",
  "perplexity",
  "deepl",
  "midjourney",
];

/** Tools in use first (most devices first, a withheld count as the smallest), then familiar ones. */
function rank(seen: Map<string, InventoryTool>) {
  const score = (tool: CompiledTool) => {
    const used = seen.get(tool.id);
    if (used) return 2_000_000 + (used.devices30 ?? 0.5);
    const familiar = FAMILIAR.indexOf(tool.id);
    if (familiar >= 0) return 1_000_000 - familiar;
    return tool.checked ? 1 : 0;
  };
  return (a: CompiledTool, b: CompiledTool) => score(b) - score(a) || a.name.localeCompare(b.name);
}

/** The statuses under which a rule can apply: its own, or any when it names none. */
function statusesOf(rule: Rule): readonly ReviewStatus[] {
  return rule.when?.statuses?.length ? rule.when.statuses : REVIEW_STATUSES;
}

/** Catalog tools that meet a rule's conditions under some status, best examples first. */
function fitting(rule: Rule, seen: Map<string, InventoryTool>): CompiledTool[] {
  const statuses = statusesOf(rule);
  return catalogTools.filter((tool) => statuses.some((s) => ruleMatches(rule, tool, s))).sort(rank(seen));
}

/** The status a preview of `rule` shows for `tool`: its real one when the rule applies under it. */
function exampleStatus(rule: Rule, tool: CompiledTool, seen: Map<string, InventoryTool>): ReviewStatus {
  const real = reviewOf(seen, tool.id).status;
  const statuses = statusesOf(rule);
  return ruleMatches(rule, tool, real) ? real : (statuses.find((s) => ruleMatches(rule, tool, s)) ?? real);
}

/** The tool an admin chose to preview, kept in this browser between visits. */
function usePreviewTool(seen: InventoryTool[]): [string, (id: string) => void] {
  const initial = () => {
    const stored = localStorage.getItem(PREVIEW_KEY);
    if (stored && catalogById.has(stored)) return stored;
    const used = [...seen].sort((a, b) => (b.devices30 ?? 0.5) - (a.devices30 ?? 0.5))[0];
    return used?.id ?? FAMILIAR.find((id) => catalogById.has(id)) ?? toolsByName[0]?.id ?? "";
  };
  const [chosen, setChosen] = useState(initial);
  useEffect(() => {
    if (!localStorage.getItem(PREVIEW_KEY)) setChosen(initial());
  }, [seen]);
  const choose = (id: string) => {
    localStorage.setItem(PREVIEW_KEY, id);
    setChosen(id);
  };
  return [chosen, choose];
}

export function Previews({ policy, seen }: { policy: Policy; seen: InventoryTool[] }) {
  const seenById = useMemo(() => new Map(seen.map((tool) => [tool.id, tool])), [seen]);
  const [chosen, choose] = usePreviewTool(seen);
  const [perRule, setPerRule] = useState<Record<string, string>>({});
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
  const today = todayUtc();
  const chosenLesson = useMemo(
    () => (chosenTool && chosenDecision ? safeLesson(policy, chosenDecision, chosenTool, today) : null),
    [policy, chosenTool, chosenDecision?.action, chosenDecision?.status, today],
  );
  return (
    <section class="card" aria-labelledby="preview-title">
      <h3 id="preview-title">Preview: what people see</h3>
      <div class="toolbar">
        <SelectField
          label="Preview the draft for"
          value={chosen}
          onChange={choose}
          hint="Also the example in each rule's preview when the rule applies to it. Kept in this browser."
        >
          {seen.length > 0 && (
            <optgroup label="Tools in use">
              {[...seen]
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((tool) => (
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
            {reviewStatusName(chosenDecision.status)})
          </span>
        )}
      </div>
      {chosenTool && chosenDecision ? (
        <div data-testid="tool-preview">
          <NudgePreview
            decision={chosenDecision}
            tool={chosenTool}
            reasons={policy.reasons ?? []}
            lesson={chosenLesson}
          />
        </div>
      ) : (
        <p class="muted">The draft cannot be evaluated yet: it needs rules and a fallback action.</p>
      )}
      <h4>Each rule</h4>
      <ol class="previews">
        {rules.map((rule, i) => (
          <RulePreview
            key={`${i}-${rule.id}`}
            rule={rule}
            policy={policy}
            seen={seenById}
            preferred={perRule[`${i}`] ?? chosen}
            onPick={(id) => setPerRule({ ...perRule, [`${i}`]: id })}
            inUse={decidedBy.get(rule.id) ?? 0}
            inUseTotal={seen.length}
          />
        ))}
      </ol>
    </section>
  );
}

/** Examples offered in a rule's own picker: enough to choose from without a select of 800 tools. */
const PICKER_SIZE = 40;

function RulePreview({
  rule,
  policy,
  seen,
  preferred,
  onPick,
  inUse,
  inUseTotal,
}: {
  rule: Rule;
  policy: Policy;
  seen: Map<string, InventoryTool>;
  preferred: string;
  onPick: (id: string) => void;
  inUse: number;
  inUseTotal: number;
}) {
  const options = useMemo(() => fitting(rule, seen), [JSON.stringify(rule.when), seen]);
  const tool = options.find((t) => t.id === preferred) ?? options[0];
  const status = tool ? exampleStatus(rule, tool, seen) : null;
  const decision = tool && status ? safeEvaluate({ ...policy, rules: [rule] }, tool, { status }) : null;
  const shown = tool && !options.slice(0, PICKER_SIZE).includes(tool) ? [tool, ...options] : options;
  return (
    <li class="preview-item" data-rule={rule.id}>
      <p class="preview-caption">
        <strong>{rule.id}</strong> · {actionName(rule.action)}
        <br />
        <span class={inUse === 0 && inUseTotal > 0 ? "warn" : "muted"}>
          decides {num(inUse)} of {count(inUseTotal, "tool")} in use
        </span>
      </p>
      {tool && (
        <SelectField label={`Example for rule ${rule.id}`} value={tool.id} onChange={onPick}>
          {shown.slice(0, PICKER_SIZE).map((option) => (
            <option key={option.id} value={option.id}>
              {option.name}
              {seen.has(option.id) ? " (in use)" : ""}
            </option>
          ))}
        </SelectField>
      )}
      {tool && status && decision ? (
        <>
          <p class="muted small">
            As shown for {tool.name} while its review status is “{reviewStatusName(status)}”.
            {decision.action !== rule.action &&
              ` With no approved alternative for ${tool.name}, “${actionName(rule.action)}” is shown as “${actionName(decision.action)}”.`}
          </p>
          <NudgePreview decision={decision} tool={tool} reasons={policy.reasons ?? []} />
        </>
      ) : (
        <p class="warn">No catalog tool meets this rule's conditions.</p>
      )}
    </li>
  );
}
