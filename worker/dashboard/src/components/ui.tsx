/** Small building blocks every view shares: states, headings, badges, fields. */
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import type { ApiError, Resource } from "../api";
import { reviewStatusName, riskLevelName } from "../labels";
import { useCanEdit } from "../session";

/** The view's heading; it takes focus when the view opens so screen readers announce it. */
export function PageTitle({ title, children }: { title: string; children?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Shadowlight`;
    ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <div class="page-title">
      <h2 ref={ref} tabIndex={-1}>
        {title}
      </h2>
      {children && <div class="page-actions">{children}</div>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted loading" role="status">
      Loading {what}…
    </p>
  );
}

/** What a viewer sees where a view or a part of one is for admins only. */
export function AdminsOnly({ what }: { what: string }) {
  return (
    <div class="callout callout-note" role="status" data-testid="admins-only">
      <p>
        {what} are for admins only. You are signed in with the viewer role, which shows the organization's figures but
        not its devices or enrollment tokens.
      </p>
    </div>
  );
}

/**
 * Every failure the dashboard shows, loading or changing: the server's message and its
 * issues, and for a load what could not be loaded. A 403 says which role is needed.
 */
export function Problem({ error, what }: { error: ApiError | null; what?: string }) {
  if (!error) return null;
  if (what && error.status === 403) return <AdminsOnly what={capitalize(what)} />;
  return (
    <div class="callout callout-error" role="alert">
      <p>{what ? `Could not load ${what}: ${error.message}` : error.message}</p>
      {error.issues.length > 0 && (
        <ul>
          {error.issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function capitalize(text: string): string {
  return text.replace(/^the /, "").replace(/^./, (c) => c.toUpperCase());
}

/** Renders the children with the data once loaded; loading and error states otherwise. */
export function Async<T>({
  resource,
  what,
  children,
}: {
  resource: Resource<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  if (resource.kind === "loading") return <Loading what={what} />;
  if (resource.kind === "error") return <Problem error={resource.error} what={what} />;
  return <div aria-busy={resource.refreshing}>{children(resource.data)}</div>;
}

export function Empty({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="empty" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** What a new installation needs to do before any figure appears. */
export function GettingStarted() {
  const canEdit = useCanEdit();
  return (
    <Empty title="No reports yet">
      <ol>
        <li>
          {canEdit ? (
            <>
              Create an enrollment token for each group of people under <a href="#/devices">Devices</a>, with the
              group's headcount as its device cap (or use the <code>ENROLLMENT_TOKEN</code> the worker was started
              with).
            </>
          ) : (
            <>Ask an admin to create an enrollment token for each group of people.</>
          )}
        </li>
        <li>
          Deploy the Shadowlight extension with that token and this server's address as managed settings, or load the
          build <code>npm start</code> made and enter them on its options page. Each browser enrolls itself and gets a
          random pseudonym.
        </li>
        <li>
          Open an AI tool such as chatgpt.com. The extension reports counts every 15 minutes; press{" "}
          <strong>Send now</strong> in its popup to report at once.
        </li>
      </ol>
    </Empty>
  );
}

/** Shown above every form a viewer cannot use, so disabled controls are explained. */
export function ReadOnlyNote({ action }: { action: string }) {
  const canEdit = useCanEdit();
  if (canEdit) return null;
  return (
    <p class="callout callout-note" data-testid="read-only">
      You are signed in with the viewer role: you can see everything but cannot {action}.
    </p>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{reviewStatusName(status)}</span>;
}

/** A risk level, with its score when known (the evidence pack carries the level only). */
export function RiskBadge({ level, risk }: { level: string; risk?: number }) {
  if (risk === undefined) return <span class={`badge risk-${level}`}>{riskLevelName(level)}</span>;
  return (
    <span class={`badge risk-${level}`} title={`Risk score ${risk} of 100, from the catalog's public facts`}>
      {riskLevelName(level)} <span class="badge-score">{risk}</span>
    </span>
  );
}

/**
 * A labelled select. The label points at the select (rather than wrapping it) so the
 * accessible name is the label alone, without the options' text.
 */
export function SelectField({
  label,
  value,
  onChange,
  children,
  name,
  hint,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ComponentChildren;
  name?: string;
  hint?: string;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        name={name}
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange((e.target as HTMLSelectElement).value)}
      >
        {children}
      </select>
      {hint && (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}

/** A text input inside a table row: its placeholder shows, its label is for screen readers. */
export function InlineText({
  label,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      <span class="sr-only">{label}</span>
      <input
        type="text"
        placeholder={placeholder}
        value={value}
        onInput={(e) => onChange((e.target as HTMLInputElement).value)}
      />
    </label>
  );
}

/** Two steps for anything hard to undo: the first click asks, the second does it. */
export function ConfirmButton({
  label,
  text,
  confirmText,
  disabled,
  onConfirm,
}: {
  /** The accessible name of the first button, naming what it acts on. */
  label: string;
  text: string;
  confirmText: string;
  disabled: boolean;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="danger small" disabled={disabled} aria-label={label} onClick={() => setAsking(true)}>
        {text}
      </button>
    );
  }
  return (
    <span class="confirm">
      <button type="button" class="danger small" disabled={disabled} onClick={onConfirm}>
        {confirmText}
      </button>
      <button type="button" class="secondary small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/**
 * A data table in its scrolling box: the column heads, then `children` as the body's rows.
 * `class` adds to "data" (column widths per view); `testId` names the table for the tests.
 */
export function DataTable({
  columns,
  class: extra,
  testId,
  children,
}: {
  columns: Column[];
  class?: string;
  testId?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="table-scroll">
      <table class={extra ? `data ${extra}` : "data"} data-testid={testId}>
        <TableHead columns={columns} />
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A column of a table's head: its label, whether it holds numbers, whether only screen readers need it. */
export type Column = string | { label: string; num?: boolean; hidden?: boolean };

/** A table's head row: every header a column header, numbers right-aligned. */
export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => {
          const { label, num, hidden } = typeof column === "string" ? { label: column } : column;
          return (
            <th key={label} scope="col" class={num ? "num" : undefined}>
              {hidden ? <span class="sr-only">{label}</span> : label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
