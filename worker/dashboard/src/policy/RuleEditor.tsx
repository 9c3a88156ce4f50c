/** One rule of the policy form: folded to a summary line, open to edit; says when it never applies. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { PolicyAction } from "../../../../shared/policy/schema";
import { catalogCategories } from "../catalog";
import { SelectField } from "../components/ui";
import { num } from "../format";
import { ACTION_NAMES, actionName } from "../labels";
import type { Rule } from "./draft";
import { Checkboxes, compact, describeWhen, LevelChecks, ListInput, parseOptionalInt, StatusChecks } from "./inputs";
import type { RuleReach } from "./shadow";

type When = Rule["when"];

/** Every action, from the names' record: the compiler keeps it in step with the schema. */
export const ACTIONS = Object.keys(ACTION_NAMES) as PolicyAction[];

const ACTION_HELP: Record<PolicyAction, string> = {
  allow: "no nudge",
  inform: "a dismissable banner",
  acknowledge: "must confirm; asked again on a new version",
  justify: "pick a reason; becomes an exception request",
  redirect: "offers the approved alternative",
  block: "the browser shows the blocked page",
};

/** Why a rule never applies, in words, with a way to fix it when moving it would. */
function Reach({
  reach,
  rules,
  onMoveTo,
}: {
  reach: RuleReach | undefined;
  rules: Rule[];
  onMoveTo: (index: number) => void;
}) {
  if (!reach) return null;
  if (reach.matches === 0) {
    return (
      <p class="rule-note warn" data-testid="rule-dead">
        Never applies: no catalog tool meets these conditions under any review status.
      </p>
    );
  }
  if (reach.shadowedBy === null) return null;
  const by = reach.shadowedBy;
  return (
    <p class="rule-note warn" data-testid="rule-shadowed">
      Never applies: first match wins, and rule {num(by + 1)} “{rules[by]?.id}” already decides every tool this rule
      matches.{" "}
      <button type="button" class="secondary small" onClick={() => onMoveTo(by)}>
        Move above rule {num(by + 1)}
      </button>
    </p>
  );
}

export function RuleEditor({
  rule,
  index,
  rules,
  reach,
  issues,
  fresh,
  onChange,
  onMoveTo,
  onRemove,
}: {
  rule: Rule;
  index: number;
  rules: Rule[];
  reach: RuleReach | undefined;
  issues: string[];
  /** Just added: open, with the focus on its id. */
  fresh: boolean;
  onChange: (rule: Rule) => void;
  onMoveTo: (index: number) => void;
  onRemove: () => void;
}) {
  // Rules start folded to a one-line summary; a new rule and one the server found problems in open.
  const [open, setOpen] = useState(fresh);
  const idInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (issues.length > 0) setOpen(true);
  }, [issues.length]);
  useEffect(() => {
    if (fresh) idInput.current?.focus();
  }, [fresh]);
  const when: When = rule.when ?? {};
  const setWhen = (changes: Partial<When>) => onChange({ ...rule, when: compact({ ...when, ...changes }) });
  const set = (changes: Partial<Rule>) => onChange(compact({ ...rule, ...changes }));
  const idBase = `rule-${index}`;
  const count = rules.length;
  return (
    <li
      class={`rule card ${issues.length ? "has-issues" : ""} ${open ? "open" : ""}`}
      data-rule={rule.id}
      aria-labelledby={`${idBase}-title`}
    >
      <div class="rule-head">
        <h4 id={`${idBase}-title`}>
          <button
            type="button"
            class="plain rule-toggle"
            aria-expanded={open}
            aria-controls={`${idBase}-body`}
            onClick={() => setOpen(!open)}
          >
            <span class="chevron" aria-hidden="true">
              {open ? "▾" : "▸"}
            </span>
            {index + 1}. {rule.id || "(no id)"}{" "}
            <span class={`badge action-${rule.action}`}>{actionName(rule.action)}</span>{" "}
            <span class="rule-summary">{describeWhen(when)}</span>
          </button>
        </h4>
        <div class="rule-tools">
          <button
            type="button"
            class="secondary small"
            disabled={index === 0}
            onClick={() => onMoveTo(index - 1)}
            aria-label={`Move rule ${rule.id} up`}
          >
            ↑
          </button>
          <button
            type="button"
            class="secondary small"
            disabled={index === count - 1}
            onClick={() => onMoveTo(index + 1)}
            aria-label={`Move rule ${rule.id} down`}
          >
            ↓
          </button>
          <button type="button" class="danger small" onClick={onRemove} aria-label={`Remove rule ${rule.id}`}>
            Remove
          </button>
        </div>
      </div>
      <Reach reach={reach} rules={rules} onMoveTo={onMoveTo} />
      {issues.length > 0 && (
        <ul class="issues">
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      )}
      {open && (
        <div class="rule-body" id={`${idBase}-body`}>
          <div class="row">
            <label>
              Rule id
              <input
                ref={idInput}
                type="text"
                value={rule.id}
                onInput={(e) => set({ id: (e.target as HTMLInputElement).value })}
              />
            </label>
            <SelectField
              label="Action"
              value={rule.action}
              onChange={(action) => set({ action: action as PolicyAction })}
            >
              {ACTIONS.map((action) => (
                <option key={action} value={action}>
                  {actionName(action)}: {ACTION_HELP[action]}
                </option>
              ))}
            </SelectField>
          </div>
          <label>
            Description (for administrators)
            <input
              type="text"
              value={rule.description ?? ""}
              onInput={(e) => set({ description: (e.target as HTMLInputElement).value || undefined })}
            />
          </label>
          <label>
            Message shown to people
            <textarea
              rows={2}
              value={rule.message ?? ""}
              onInput={(e) => set({ message: (e.target as HTMLTextAreaElement).value || undefined })}
            />
          </label>
          <fieldset class="when">
            <legend>Applies when every condition given holds</legend>
            <ListInput
              label="Tools (catalog ids)"
              value={when.tools}
              onChange={(tools) => setWhen({ tools })}
              hint="e.g. chatgpt, claude; empty: any tool"
            />
            <StatusChecks value={when.statuses} onChange={(statuses) => setWhen({ statuses })} />
            <LevelChecks value={when.riskLevels} onChange={(riskLevels) => setWhen({ riskLevels })} />
            <Checkboxes
              legend="Categories"
              options={catalogCategories}
              value={when.categories}
              onChange={(categories) => setWhen({ categories })}
            />
            <label class="narrow">
              Minimum risk score (0–100)
              <input
                type="number"
                min={0}
                max={100}
                value={when.minRisk ?? ""}
                onInput={(e) => setWhen({ minRisk: parseOptionalInt((e.target as HTMLInputElement).value) })}
              />
            </label>
          </fieldset>
          <div class="row">
            <ListInput
              label="Approved alternatives (catalog ids)"
              value={rule.alternatives}
              onChange={(alternatives) => set({ alternatives })}
            />
            <label>
              Ask again after (days)
              <input
                type="number"
                min={1}
                value={rule.reacknowledgeDays ?? ""}
                onInput={(e) => set({ reacknowledgeDays: parseOptionalInt((e.target as HTMLInputElement).value) })}
              />
            </label>
            <label>
              Show at most every (hours)
              <input
                type="number"
                min={0}
                value={rule.cooldownHours ?? ""}
                onInput={(e) => set({ cooldownHours: parseOptionalInt((e.target as HTMLInputElement).value) })}
              />
            </label>
          </div>
        </div>
      )}
    </li>
  );
}
