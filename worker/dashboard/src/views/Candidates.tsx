import { useState } from "preact/hooks";
import { ApiError, send, useResource } from "../api";
import { Async, Empty, FormError, PageTitle, ReadOnlyNote } from "../components/ui";
import { day, num } from "../format";
import type { ViewProps } from "../main";
import { replaceQuery } from "../router";
import { useCanEdit } from "../session";
import type { Candidate, CandidateState } from "../types";

const STATES: Array<{ id: CandidateState; label: string }> = [
  { id: "new", label: "To triage" },
  { id: "added", label: "Added to the catalog" },
  { id: "dismissed", label: "Dismissed" },
];

/**
 * Sites that look like AI tools but are not in the catalog, reported as registrable domains
 * only. Triage marks one for the catalog (a catalog entry is then written in policies/) or
 * dismisses it.
 */
export default function Candidates({ route }: ViewProps) {
  const [candidates, reload] = useResource<{ candidates: Candidate[] }>("/candidates");
  const filter = (route.query.get("state") as CandidateState | null) ?? "new";
  return (
    <>
      <PageTitle title="Candidates" />
      <p class="intro">
        Domains the extension's heuristics took for AI tools that the catalog does not know. Mark one as added once a
        catalog entry for it exists in <code>policies/tools/</code>, or dismiss it.
      </p>
      <Async resource={candidates} what="the candidate domains">
        {(data) => (
          <>
            <fieldset class="tabs">
              <legend class="sr-only">Show candidates</legend>
              {STATES.map((state) => {
                const count = data.candidates.filter((c) => c.state === state.id).length;
                return (
                  <button
                    key={state.id}
                    type="button"
                    class={filter === state.id ? "tab selected" : "tab"}
                    aria-pressed={filter === state.id}
                    onClick={() => replaceQuery(route, { state: state.id })}
                  >
                    {state.label} ({num(count)})
                  </button>
                );
              })}
            </fieldset>
            <List candidates={data.candidates.filter((c) => c.state === filter)} onChanged={reload} filter={filter} />
          </>
        )}
      </Async>
    </>
  );
}

function List({
  candidates,
  onChanged,
  filter,
}: {
  candidates: Candidate[];
  onChanged: () => void;
  filter: CandidateState;
}) {
  const canEdit = useCanEdit();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  if (candidates.length === 0) {
    return filter === "new" ? (
      <Empty title="Nothing to triage">
        <p>
          No unknown AI domains are waiting. The extension reports a domain here when a page looks like an AI tool that
          the catalog does not cover.
        </p>
      </Empty>
    ) : (
      <p class="empty-inline">None.</p>
    );
  }
  const change = async (domain: string, state: CandidateState) => {
    setBusy(domain);
    setError(null);
    try {
      await send("POST", `/candidates/${encodeURIComponent(domain)}`, { state });
      onChanged();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, String(caught)));
    } finally {
      setBusy(null);
    }
  };
  const sorted = [...candidates].sort((a, b) => b.devices - a.devices || b.visits - a.visits);
  return (
    <>
      <ReadOnlyNote action="triage candidates" />
      <FormError error={error} />
      <div class="table-scroll">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Domain</th>
              <th scope="col" class="num">
                Devices
              </th>
              <th scope="col" class="num">
                Visits
              </th>
              <th scope="col">First seen</th>
              <th scope="col">Last seen</th>
              <th scope="col">Triage</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((c) => (
              <tr key={c.domain} data-domain={c.domain}>
                <th scope="row" class="mono">
                  {c.domain}
                </th>
                <td class="num">{num(c.devices)}</td>
                <td class="num">{num(c.visits)}</td>
                <td>{day(c.firstSeen)}</td>
                <td>{day(c.lastSeen)}</td>
                <td class="row-actions">
                  {STATES.filter((s) => s.id !== c.state).map((s) => (
                    <button
                      key={s.id}
                      type="button"
                      class="secondary small"
                      disabled={!canEdit || busy !== null}
                      aria-label={`${actionLabel(s.id)}: ${c.domain}`}
                      onClick={() => change(c.domain, s.id)}
                    >
                      {actionLabel(s.id)}
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function actionLabel(state: CandidateState): string {
  return state === "added" ? "Mark added" : state === "dismissed" ? "Dismiss" : "Back to triage";
}
