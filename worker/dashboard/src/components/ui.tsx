/** Small building blocks every view shares: states, headings, badges, figures. */
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import type { ApiError, Resource } from "../api";
import { words } from "../format";
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

export function ErrorMessage({ error, what }: { error: ApiError; what: string }) {
  return (
    <div class="callout callout-error" role="alert">
      <p>
        Could not load {what}: {error.message}
      </p>
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
  if (resource.kind === "error") return <ErrorMessage error={resource.error} what={what} />;
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
  return (
    <Empty title="No reports yet">
      <ol>
        <li>
          Create an enrollment token under <a href="#/devices">Devices</a> (or use the <code>ENROLLMENT_TOKEN</code> the
          worker was started with).
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

export function FormError({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <div class="callout callout-error" role="alert">
      <p>{error.message}</p>
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

export function Stat({ label, value, detail }: { label: string; value: string; detail?: ComponentChildren }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd>
        <span class="stat-value">{value}</span>
        {detail && <span class="stat-detail">{detail}</span>}
      </dd>
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{words(status)}</span>;
}

export function RiskBadge({ level, risk }: { level: string; risk: number }) {
  return (
    <span class={`badge risk-${level}`} title={`Risk score ${risk} of 100, from the catalog's public facts`}>
      {level} <span class="badge-score">{risk}</span>
    </span>
  );
}

/** A horizontal bar for a share of a maximum, with the figure beside it for reading. */
export function Bar({ value, max, label }: { value: number; max: number; label: string }) {
  const width = max > 0 ? Math.max(2, Math.round((value / max) * 100)) : 0;
  return (
    <span class="bar" role="img" aria-label={label}>
      {/* A CSSOM property, not a style attribute: allowed by the CSP. */}
      <span class="bar-fill" style={{ width: `${width}%` }} />
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
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ComponentChildren;
  name?: string;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {children}
      </select>
    </div>
  );
}
