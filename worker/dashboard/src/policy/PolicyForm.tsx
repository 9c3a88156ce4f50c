/**
 * The policy as a form: the policy's own settings, its justification reasons and its ordered
 * rules. It edits the same draft object as the JSON editor; the server validates either.
 */
import { useMemo, useRef, useState } from "preact/hooks";
import { catalogTools } from "../catalog";
import { SelectField } from "../components/ui";
import { num } from "../format";
import { actionName } from "../labels";
import type { Policy, PolicyAction } from "../types";
import type { Rule } from "./draft";
import { compact, type DraftPartProps, freeId, parseOptionalInt } from "./inputs";
import { ACTIONS, RuleEditor } from "./RuleEditor";
import { analyzeRules } from "./shadow";

/**
 * Keys that follow each rule through insertions, moves and removals made here, so a rule's
 * open or folded state stays with it; a draft replaced from outside gets fresh keys.
 */
function useRuleKeys(length: number) {
  const next = useRef(0);
  const keys = useRef<number[]>([]);
  if (keys.current.length !== length) keys.current = Array.from({ length }, () => next.current++);
  return {
    keys: keys.current,
    insert: (at: number) => {
      const key = next.current++;
      keys.current = [...keys.current.slice(0, at), key, ...keys.current.slice(at)];
      return key;
    },
    move: (from: number, to: number) => {
      const moved = [...keys.current];
      const [key] = moved.splice(from, 1);
      if (key !== undefined) moved.splice(to, 0, key);
      keys.current = moved;
    },
    remove: (at: number) => {
      keys.current = keys.current.filter((_, i) => i !== at);
    },
  };
}

export function PolicyForm({ policy, issues, onChange }: DraftPartProps) {
  const set = (changes: Partial<Policy>) => onChange(compact({ ...policy, ...changes }, false));
  const rules = Array.isArray(policy.rules) ? policy.rules : [];
  const reasons = policy.reasons ?? [];
  const ruleKeys = useRuleKeys(rules.length);
  const [fresh, setFresh] = useState<number | null>(null);
  // Which rules can apply at all, over every catalog tool and review status (conditions only).
  const analysis = useMemo(
    () => analyzeRules(rules, catalogTools),
    [JSON.stringify(rules.map((rule) => rule?.when ?? null))],
  );
  const setRule = (index: number, rule: Rule) => set({ rules: rules.map((r, i) => (i === index ? rule : r)) });
  const moveRule = (from: number, to: number) => {
    const next = [...rules];
    const [moved] = next.splice(from, 1);
    if (moved) next.splice(to, 0, moved);
    ruleKeys.move(from, to);
    set({ rules: next });
  };
  const removeRule = (index: number) => {
    ruleKeys.remove(index);
    set({ rules: rules.filter((_, i) => i !== index) });
  };
  // A new rule goes where it still takes effect: first match wins, so after the rule by which
  // every tool is decided it would never apply.
  const addRule = () => {
    const at = analysis.insertAt;
    const rule: Rule = {
      id: freeId(
        "rule",
        rules.map((r) => r.id),
      ),
      when: {},
      action: "inform",
    };
    setFresh(ruleKeys.insert(at));
    set({ rules: [...rules.slice(0, at), rule, ...rules.slice(at)] });
  };
  const setReason = (index: number, changes: Partial<Policy["reasons"][number]>) =>
    set({ reasons: reasons.map((r, i) => (i === index ? { ...r, ...changes } : r)) });
  const issuesOf = (prefix: string) => issues.filter((issue) => issue.startsWith(prefix));
  return (
    <div class="policy-form">
      <fieldset class="card">
        <legend>Policy</legend>
        <div class="row">
          <label>
            Name
            <input
              type="text"
              value={policy.name ?? ""}
              onInput={(e) => set({ name: (e.target as HTMLInputElement).value })}
            />
          </label>
          <label>
            Full policy (URL)
            <input
              type="url"
              value={policy.policyUrl ?? ""}
              onInput={(e) => set({ policyUrl: (e.target as HTMLInputElement).value || undefined })}
            />
          </label>
        </div>
        <div class="row">
          <SelectField
            label="When no rule matches"
            value={policy.fallback ?? "inform"}
            onChange={(fallback) => set({ fallback: fallback as PolicyAction })}
          >
            {ACTIONS.map((action) => (
              <option key={action} value={action}>
                {actionName(action)}
              </option>
            ))}
          </SelectField>
          <label>
            Ask to acknowledge again after (days)
            <input
              type="number"
              min={1}
              value={policy.reacknowledgeDays ?? ""}
              onInput={(e) =>
                set({ reacknowledgeDays: parseOptionalInt((e.target as HTMLInputElement).value) as number })
              }
            />
          </label>
          <label class="inline">
            <input
              type="checkbox"
              checked={policy.allowFreeText ?? false}
              onChange={(e) => set({ allowFreeText: (e.target as HTMLInputElement).checked })}
            />{" "}
            Allow free-text justifications (they then leave the device)
          </label>
        </div>
      </fieldset>

      <fieldset class="card">
        <legend>Reasons people can give (justify)</legend>
        {reasons.length === 0 && <p class="muted">No reasons: a justify rule then needs free text.</p>}
        <ul class="reasons">
          {reasons.map((reason, index) => (
            <li key={index} class="row">
              <label>
                Id
                <input
                  type="text"
                  value={reason.id}
                  onInput={(e) => setReason(index, { id: (e.target as HTMLInputElement).value })}
                />
              </label>
              <label class="wide">
                Label
                <input
                  type="text"
                  value={reason.label}
                  onInput={(e) => setReason(index, { label: (e.target as HTMLInputElement).value })}
                />
              </label>
              <button
                type="button"
                class="danger small"
                aria-label={`Remove reason ${reason.id}`}
                onClick={() => set({ reasons: reasons.filter((_, i) => i !== index) })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <button
          type="button"
          class="secondary small"
          onClick={() =>
            set({
              reasons: [
                ...reasons,
                {
                  id: freeId(
                    "reason",
                    reasons.map((r) => r.id),
                  ),
                  label: "",
                },
              ],
            })
          }
        >
          Add a reason
        </button>
      </fieldset>

      <h3>Rules, first match wins</h3>
      <ol class="rules">
        {rules.map((rule, index) => (
          <RuleEditor
            key={ruleKeys.keys[index]}
            rule={rule}
            index={index}
            rules={rules}
            reach={analysis.rules[index]}
            fresh={fresh === ruleKeys.keys[index]}
            issues={issuesOf(`rules.${index}.`).concat(issuesOf(`rules.${index}:`))}
            onChange={(next) => setRule(index, next)}
            onMoveTo={(to) => moveRule(index, to)}
            onRemove={() => removeRule(index)}
          />
        ))}
      </ol>
      <div class="actions add-rule">
        <button type="button" class="secondary" onClick={addRule} aria-describedby="add-rule-where">
          Add a rule
        </button>
        <span id="add-rule-where" class="muted small">
          {analysis.insertAt < rules.length
            ? `It goes before rule ${num(analysis.insertAt + 1)} “${rules[analysis.insertAt]?.id}”: from there on every tool is already decided, so a rule further down would never apply.`
            : `It goes last, before the fallback (“${actionName(policy.fallback ?? "inform")}”), which decides what no rule matches.`}
        </span>
      </div>
    </div>
  );
}
