/**
 * The policy as a form: the policy's own settings, its justification reasons and its ordered
 * rules. It edits the same draft object as the JSON editor; the server validates either.
 */
import { useEffect, useState } from "preact/hooks";
import { REVIEW_STATUSES } from "../../../../shared/events";
import type { PolicyAction } from "../../../../shared/policy/schema";
import { catalogCategories } from "../catalog";
import { SelectField } from "../components/ui";
import { words } from "../format";
import type { Policy } from "../types";

type Rule = Policy["rules"][number];
type When = Rule["when"];

// The schema's action list is a zod module's export; the dashboard keeps zod out of its bundle.
export const ACTIONS: PolicyAction[] = ["allow", "inform", "acknowledge", "justify", "redirect", "block"];
const LEVELS = ["low", "medium", "high"] as const;

const ACTION_HELP: Record<PolicyAction, string> = {
  allow: "no nudge",
  inform: "a dismissable banner",
  acknowledge: "must confirm; asked again on a new version",
  justify: "pick a reason; becomes an exception request",
  redirect: "offers the approved alternative",
  block: "the browser shows the blocked page",
};

/** Rule and reason ids must be slugs; a new one gets the first free `rule-N`. */
function freeId(prefix: string, taken: string[]): string {
  let n = taken.length + 1;
  while (taken.includes(`${prefix}-${n}`)) n++;
  return `${prefix}-${n}`;
}

/** A rule's conditions in one line: "statuses: unreviewed · risk: high". */
export function describeWhen(when: When): string {
  const parts: string[] = [];
  if (when.tools) parts.push(`tools: ${when.tools.join(", ")}`);
  if (when.categories) parts.push(`categories: ${when.categories.join(", ")}`);
  if (when.statuses) parts.push(`statuses: ${when.statuses.map(words).join(", ")}`);
  if (when.riskLevels) parts.push(`risk: ${when.riskLevels.join(", ")}`);
  if (when.minRisk !== undefined) parts.push(`risk score ≥ ${when.minRisk}`);
  return parts.length ? `when ${parts.join(" · ")}` : "every tool";
}

function parseList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** An optional whole number: empty means "not set" (the policy default applies). */
function parseOptionalInt(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const value = Number(text);
  // A non-number is passed on as is so the server names the field in its issues.
  return Number.isFinite(value) ? value : (text as unknown as number);
}

/**
 * Drops keys set to undefined and, within a rule, empty lists: the schema wants a condition
 * absent rather than empty. A policy's `rules` may be empty and is kept.
 */
function compact<T extends object>(value: T, dropEmptyLists = true): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && !(dropEmptyLists && Array.isArray(v) && v.length === 0)),
  ) as T;
}

/** A comma-separated list of ids kept as typed, so a trailing comma does not vanish mid-edit. */
function ListInput({
  label,
  value,
  onChange,
  hint,
}: {
  label: string;
  value: string[] | undefined;
  onChange: (items: string[]) => void;
  hint?: string;
}) {
  const [text, setText] = useState((value ?? []).join(", "));
  useEffect(() => {
    if (parseList(text).join(",") !== (value ?? []).join(",")) setText((value ?? []).join(", "));
  }, [value, text]);
  return (
    <label>
      {label}
      <input
        type="text"
        value={text}
        list="catalog-tool-ids"
        onInput={(e) => {
          const next = (e.target as HTMLInputElement).value;
          setText(next);
          onChange(parseList(next));
        }}
      />
      {hint && <span class="hint">{hint}</span>}
    </label>
  );
}

function Checkboxes<T extends string>({
  legend,
  options,
  value,
  onChange,
}: {
  legend: string;
  options: readonly T[];
  value: T[] | undefined;
  onChange: (next: T[]) => void;
}) {
  const selected = new Set(value ?? []);
  return (
    <fieldset class="checks">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option}>
          <input
            type="checkbox"
            checked={selected.has(option)}
            onChange={(e) => {
              const next = new Set(selected);
              if ((e.target as HTMLInputElement).checked) next.add(option);
              else next.delete(option);
              onChange(options.filter((o) => next.has(o)));
            }}
          />{" "}
          {words(option)}
        </label>
      ))}
    </fieldset>
  );
}

function RuleEditor({
  rule,
  index,
  count,
  issues,
  onChange,
  onMove,
  onRemove,
}: {
  rule: Rule;
  index: number;
  count: number;
  issues: string[];
  onChange: (rule: Rule) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  // Rules start folded to a one-line summary; a rule the server found problems in opens.
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (issues.length > 0) setOpen(true);
  }, [issues.length]);
  const setWhen = (changes: Partial<When>) => onChange({ ...rule, when: compact({ ...rule.when, ...changes }) });
  const set = (changes: Partial<Rule>) => onChange(compact({ ...rule, ...changes }));
  const idBase = `rule-${index}`;
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
            class="rule-toggle"
            aria-expanded={open}
            aria-controls={`${idBase}-body`}
            onClick={() => setOpen(!open)}
          >
            <span class="chevron" aria-hidden="true">
              {open ? "▾" : "▸"}
            </span>
            {index + 1}. {rule.id || "(no id)"} <span class={`badge action-${rule.action}`}>{rule.action}</span>{" "}
            <span class="rule-summary">{describeWhen(rule.when ?? {})}</span>
          </button>
        </h4>
        <div class="rule-tools">
          <button
            type="button"
            class="secondary small"
            disabled={index === 0}
            onClick={() => onMove(-1)}
            aria-label={`Move rule ${rule.id} up`}
          >
            ↑
          </button>
          <button
            type="button"
            class="secondary small"
            disabled={index === count - 1}
            onClick={() => onMove(1)}
            aria-label={`Move rule ${rule.id} down`}
          >
            ↓
          </button>
          <button type="button" class="danger small" onClick={onRemove} aria-label={`Remove rule ${rule.id}`}>
            Remove
          </button>
        </div>
      </div>
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
              <input type="text" value={rule.id} onInput={(e) => set({ id: (e.target as HTMLInputElement).value })} />
            </label>
            <SelectField
              label="Action"
              value={rule.action}
              onChange={(action) => set({ action: action as PolicyAction })}
            >
              {ACTIONS.map((action) => (
                <option key={action} value={action}>
                  {action}: {ACTION_HELP[action]}
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
              value={rule.when.tools}
              onChange={(tools) => setWhen({ tools })}
              hint="e.g. chatgpt, claude; empty: any tool"
            />
            <Checkboxes
              legend="Review statuses"
              options={REVIEW_STATUSES}
              value={rule.when.statuses}
              onChange={(statuses) => setWhen({ statuses })}
            />
            <Checkboxes
              legend="Risk levels"
              options={LEVELS}
              value={rule.when.riskLevels}
              onChange={(riskLevels) => setWhen({ riskLevels })}
            />
            <Checkboxes
              legend="Categories"
              options={catalogCategories}
              value={rule.when.categories}
              onChange={(categories) => setWhen({ categories })}
            />
            <label class="narrow">
              Minimum risk score (0–100)
              <input
                type="number"
                min={0}
                max={100}
                value={rule.when.minRisk ?? ""}
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

export function PolicyForm({
  policy,
  issues,
  onChange,
}: {
  policy: Policy;
  issues: string[];
  onChange: (policy: Policy) => void;
}) {
  const set = (changes: Partial<Policy>) => onChange(compact({ ...policy, ...changes }, false));
  const rules = policy.rules ?? [];
  const reasons = policy.reasons ?? [];
  const setRule = (index: number, rule: Rule) => set({ rules: rules.map((r, i) => (i === index ? rule : r)) });
  const move = (index: number, delta: number) => {
    const next = [...rules];
    const [moved] = next.splice(index, 1);
    if (moved) next.splice(index + delta, 0, moved);
    set({ rules: next });
  };
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
                {action}
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
                  onInput={(e) =>
                    set({
                      reasons: reasons.map((r, i) =>
                        i === index ? { ...r, id: (e.target as HTMLInputElement).value } : r,
                      ),
                    })
                  }
                />
              </label>
              <label class="wide">
                Label
                <input
                  type="text"
                  value={reason.label}
                  onInput={(e) =>
                    set({
                      reasons: reasons.map((r, i) =>
                        i === index ? { ...r, label: (e.target as HTMLInputElement).value } : r,
                      ),
                    })
                  }
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
            key={index}
            rule={rule}
            index={index}
            count={rules.length}
            issues={issuesOf(`rules.${index}.`).concat(issuesOf(`rules.${index}:`))}
            onChange={(next) => setRule(index, next)}
            onMove={(delta) => move(index, delta)}
            onRemove={() => set({ rules: rules.filter((_, i) => i !== index) })}
          />
        ))}
      </ol>
      <button
        type="button"
        class="secondary"
        onClick={() =>
          set({
            rules: [
              ...rules,
              {
                id: freeId(
                  "rule",
                  rules.map((r) => r.id),
                ),
                when: {},
                action: "inform",
              },
            ],
          })
        }
      >
        Add a rule
      </button>
    </div>
  );
}
