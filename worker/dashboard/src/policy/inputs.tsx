/**
 * The policy form's small inputs and the helpers that keep a draft in the schema's shape:
 * free ids, optional numbers typed as text, lists typed as comma-separated ids.
 */
import { useEffect, useState } from "preact/hooks";
import { REVIEW_STATUSES, type ReviewStatus } from "../../../../shared/events";
import { words } from "../format";
import { reviewStatusName, riskLevelName } from "../labels";
import type { Policy } from "../types";
import type { Rule } from "./draft";

/** What every editor of a part of the draft policy takes: the draft, the server's issues, a setter. */
export interface DraftPartProps {
  policy: Policy;
  issues: string[];
  onChange: (policy: Policy) => void;
}

const RISK_LEVELS = ["low", "medium", "high"] as const;
type RiskLevel = (typeof RISK_LEVELS)[number];

type When = Rule["when"];

/** Rule and reason ids must be slugs; a new one gets the first free `rule-N`. */
export function freeId(prefix: string, taken: string[]): string {
  let n = taken.length + 1;
  while (taken.includes(`${prefix}-${n}`)) n++;
  return `${prefix}-${n}`;
}

/** A rule's conditions in one line: "statuses: unreviewed · risk: high". */
export function describeWhen(when: When): string {
  const parts: string[] = [];
  if (when.tools) parts.push(`tools: ${when.tools.join(", ")}`);
  if (when.categories) parts.push(`categories: ${when.categories.join(", ")}`);
  if (when.statuses) parts.push(`statuses: ${when.statuses.map(reviewStatusName).join(", ")}`);
  if (when.riskLevels) parts.push(`risk: ${when.riskLevels.map(riskLevelName).join(", ")}`);
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
export function parseOptionalInt(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const value = Number(text);
  // A non-number is passed on as is so the server names the field in its issues.
  return Number.isFinite(value) ? value : (text as unknown as number);
}

/**
 * Drops keys set to undefined and, within a rule, empty lists: the schema wants a condition
 * absent rather than empty. A policy's `rules` may be empty and is kept.
 */
export function compact<T extends object>(value: T, dropEmptyLists = true): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && !(dropEmptyLists && Array.isArray(v) && v.length === 0)),
  ) as T;
}

/** A comma-separated list of ids kept as typed, so a trailing comma does not vanish mid-edit. */
export function ListInput({
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

export function Checkboxes<T extends string>({
  legend,
  options,
  value,
  onChange,
  label = words,
}: {
  legend: string;
  options: readonly T[];
  value: T[] | undefined;
  onChange: (next: T[]) => void;
  /** How an option reads; ids read as words by default. */
  label?: (option: T) => string;
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
          {label(option)}
        </label>
      ))}
    </fieldset>
  );
}

export function StatusChecks({
  value,
  onChange,
}: {
  value: ReviewStatus[] | undefined;
  onChange: (next: ReviewStatus[]) => void;
}) {
  return (
    <Checkboxes
      legend="Review statuses"
      options={REVIEW_STATUSES}
      value={value}
      onChange={onChange}
      label={reviewStatusName}
    />
  );
}

export function LevelChecks({
  value,
  onChange,
}: {
  value: RiskLevel[] | undefined;
  onChange: (next: RiskLevel[]) => void;
}) {
  return (
    <Checkboxes legend="Risk levels" options={RISK_LEVELS} value={value} onChange={onChange} label={riskLevelName} />
  );
}
