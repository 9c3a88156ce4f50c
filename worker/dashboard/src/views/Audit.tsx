import { useEffect, useState } from "preact/hooks";
import { api, useAction, useResource } from "../api";
import { Async, DataTable, Empty, PageTitle, Problem } from "../components/ui";
import { when } from "../format";
import { auditActionName } from "../labels";
import type { AuditEntry, AuditResponse } from "../types";
import "./audit/audit.css";
import { auditLines } from "./audit/detail";

const PAGE = 50;

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
  const { busy, error, run } = useAction();
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
  const more = () =>
    next !== null &&
    run(async () => {
      const page = await api<AuditResponse>(`/audit?limit=${PAGE}&before=${next}`);
      setEntries([...entries, ...page.entries]);
      setNext(page.nextBefore);
    });
  return (
    <>
      <DataTable class="audit" columns={["When", "Who", "Action", "Target", "Detail"]}>
        {entries.map((entry) => (
          <tr key={entry.id} data-audit={entry.id}>
            <td class="nowrap">
              <time dateTime={new Date(entry.at).toISOString()}>{when(entry.at)}</time>
            </td>
            <td>{entry.actor}</td>
            <th scope="row">{auditActionName(entry.action)}</th>
            <td class="mono target">{entry.target ?? "–"}</td>
            <td class="detail">{entry.detail ? <Detail action={entry.action} detail={entry.detail} /> : "–"}</td>
          </tr>
        ))}
      </DataTable>
      <Problem error={error} />
      {next !== null && (
        <button type="button" class="secondary" disabled={busy !== null} onClick={more}>
          {busy ? "Loading…" : "Load older entries"}
        </button>
      )}
    </>
  );
}

function Detail({ action, detail }: { action: string; detail: Record<string, unknown> }) {
  const lines = auditLines(action, detail);
  if (lines.length === 0) return <span class="muted">no change</span>;
  return (
    <ul class="detail-lines">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}
