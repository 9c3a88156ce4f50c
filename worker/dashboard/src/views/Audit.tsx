import { useEffect, useState } from "preact/hooks";
import { ApiError, api, useResource } from "../api";
import { Async, Empty, FormError, PageTitle } from "../components/ui";
import { when, words } from "../format";
import type { AuditEntry, AuditResponse } from "../types";

const PAGE = 50;

/** `enrollment-token.revoke` -> `enrollment token revoke`. */
export function actionLabel(action: string): string {
  return words(action.replace(/\./g, " "));
}

/** Every admin action, newest first, in pages; older pages are appended on request. */
export default function Audit() {
  const [first] = useResource<AuditResponse>(`/audit?limit=${PAGE}`);
  return (
    <>
      <PageTitle title="Audit log" />
      <p class="intro">
        Every change made through this dashboard or the admin API: reviews, policy versions, exception decisions, tokens
        and devices. The log is append-only.
      </p>
      <Async resource={first} what="the audit log">
        {(data) => <Log first={data} />}
      </Async>
    </>
  );
}

function Log({ first }: { first: AuditResponse }) {
  const [entries, setEntries] = useState<AuditEntry[]>(first.entries);
  const [next, setNext] = useState(first.nextBefore);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    setEntries(first.entries);
    setNext(first.nextBefore);
  }, [first]);
  if (entries.length === 0) {
    return (
      <Empty title="Nothing recorded yet">
        <p>The first review, policy version or token you create appears here.</p>
      </Empty>
    );
  }
  const more = async () => {
    if (next === null) return;
    setBusy(true);
    setError(null);
    try {
      const page = await api<AuditResponse>(`/audit?limit=${PAGE}&before=${next}`);
      setEntries([...entries, ...page.entries]);
      setNext(page.nextBefore);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, String(caught)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <div class="table-scroll">
        <table class="data audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id} data-audit={entry.id}>
                <td class="nowrap">{when(entry.at)}</td>
                <td>{entry.actor}</td>
                <th scope="row">{actionLabel(entry.action)}</th>
                <td class="mono">{entry.target ?? "–"}</td>
                <td class="detail">{entry.detail ? <Detail detail={entry.detail} /> : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <FormError error={error} />
      {next !== null && (
        <button type="button" class="secondary" disabled={busy} onClick={more}>
          {busy ? "Loading…" : "Load older entries"}
        </button>
      )}
    </>
  );
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** `key: value` pairs, or for a change (`before`/`after`) only what changed, always as text. */
function detailLines(detail: Record<string, unknown>): string[] {
  const { before, after } = detail;
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if ((before === null || isRecord(before)) && isRecord(after)) {
    const old = before ?? {};
    const keys = [...new Set([...Object.keys(old), ...Object.keys(after)])];
    return keys
      .filter((key) => JSON.stringify(old[key] ?? null) !== JSON.stringify(after[key] ?? null))
      .map((key) => `${key}: ${show(old[key])} → ${show(after[key])}`);
  }
  return Object.entries(detail).map(([key, value]) => `${key}: ${show(value)}`);
}

function Detail({ detail }: { detail: Record<string, unknown> }) {
  const lines = detailLines(detail);
  if (lines.length === 0) return <span class="muted">no change</span>;
  return (
    <ul class="detail-lines">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}
