import { send, useAction, useResource } from "../api";
import { FigureCell, WithheldNote } from "../components/figures";
import { Async, DataTable, Empty, PageTitle, Problem, ReadOnlyNote } from "../components/ui";
import { daySpan, num } from "../format";
import { CANDIDATE_SIGNAL_NAMES, CANDIDATE_STATE_NAMES } from "../labels";
import type { ViewProps } from "../main";
import { replaceQuery } from "../router";
import { useCanEdit, useMe } from "../session";
import type { Candidate, CandidateState, CandidatesResponse, ExtensionCandidate } from "../types";

const STATES: CandidateState[] = ["new", "added", "dismissed"];

/**
 * Sites that look like AI tools but are not in the catalog, reported as registrable domains
 * only. Triage marks one for the catalog (a catalog entry is then written in policies/) or
 * dismisses it.
 */
export default function Candidates({ route }: ViewProps) {
  const [candidates, reload] = useResource<CandidatesResponse>("/candidates");
  const asked = route.query.get("state");
  const filter = STATES.find((state) => state === asked) ?? "new";
  return (
    <>
      <PageTitle title="Candidates" />
      <p class="intro">
        Domains the extension took for AI tools that the catalog does not know, with the signals that said so: AI words
        in the hostname, pages calling AI APIs, a new host under a known AI vendor's domain, and (only together with
        another) sign-ins with the work identity. Add one to the catalog (it becomes one of the{" "}
        <a href="#/organization">catalog additions</a> and devices recognize it with their next policy fetch), mark it
        added once a catalog entry for it exists in <code>policies/tools/</code>, or dismiss it.
      </p>
      <Async resource={candidates} what="the candidate domains">
        {(data) => (
          <>
            <fieldset class="tabs">
              <legend class="sr-only">Show candidates</legend>
              {STATES.map((state) => (
                <button
                  key={state}
                  type="button"
                  class={filter === state ? "tab selected" : "tab"}
                  aria-pressed={filter === state}
                  onClick={() => replaceQuery(route, { state })}
                >
                  {CANDIDATE_STATE_NAMES[state]} ({num(data.candidates.filter((c) => c.state === state).length)})
                </button>
              ))}
            </fieldset>
            <List candidates={data.candidates.filter((c) => c.state === filter)} onChanged={reload} filter={filter} />
            {data.extensions && data.extensions.length > 0 && (
              <Extensions extensions={data.extensions} onChanged={reload} />
            )}
          </>
        )}
      </Async>
    </>
  );
}

/** Most devices first; a domain with its figures withheld has no size and goes last. */
function byReach(a: Candidate, b: Candidate): number {
  if (a.fewerThanK !== b.fewerThanK) return a.fewerThanK ? 1 : -1;
  return (b.devices ?? 0) - (a.devices ?? 0) || (b.visits ?? 0) - (a.visits ?? 0) || a.domain.localeCompare(b.domain);
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
  const { k } = useMe();
  const { busy, error, run } = useAction(onChanged);
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
  const change = (domain: string, state: CandidateState) =>
    run(() => send("POST", `/candidates/${encodeURIComponent(domain)}`, { state }), domain);
  // One click: the domain becomes a catalog addition (devices recognize it with their next
  // policy fetch) and the candidate is marked added; name and category can be edited later.
  const promote = (domain: string) =>
    run(() => send("POST", `/candidates/${encodeURIComponent(domain)}/promote`, {}), domain);
  return (
    <>
      <ReadOnlyNote action="triage candidates" />
      <Problem error={error} />
      <DataTable
        class="candidates"
        columns={[
          "Domain",
          "Signals",
          { label: "Devices", num: true },
          { label: "Visits", num: true },
          "Seen",
          "Triage",
        ]}
      >
        {[...candidates].sort(byReach).map((c) => (
          <tr key={c.domain} data-domain={c.domain}>
            <th scope="row">
              <span class="mono">{c.domain}</span>
              {c.fewerThanK && <span class="vendor">seen by fewer than {num(k)} devices</span>}
            </th>
            <td data-testid="signals">
              <span class="tags">
                {c.signals.map((signal) => (
                  <span key={signal} class="badge" data-signal={signal}>
                    {CANDIDATE_SIGNAL_NAMES[signal]}
                  </span>
                ))}
              </span>
            </td>
            <FigureCell value={c.devices} />
            <FigureCell value={c.visits} />
            <td class="nowrap">{daySpan(c.firstSeen, c.lastSeen, c.fewerThanK)}</td>
            <td class="row-actions">
              {c.state === "new" && (
                <button
                  type="button"
                  class="small"
                  disabled={!canEdit || busy !== null}
                  aria-label={`Add to the catalog: ${c.domain}`}
                  onClick={() => promote(c.domain)}
                >
                  Add to the catalog
                </button>
              )}
              {STATES.filter((s) => s !== c.state).map((s) => (
                <button
                  key={s}
                  type="button"
                  class="secondary small"
                  disabled={!canEdit || busy !== null}
                  aria-label={`${actionLabel(s)}: ${c.domain}`}
                  onClick={() => change(c.domain, s)}
                >
                  {actionLabel(s)}
                </button>
              ))}
            </td>
          </tr>
        ))}
      </DataTable>
      {candidates.some((c) => c.fewerThanK) && <WithheldNote />}
    </>
  );
}

function actionLabel(state: CandidateState): string {
  return state === "added" ? "Mark added" : state === "dismissed" ? "Dismiss" : "Back to triage";
}

/**
 * Unknown AI-looking extensions that devices named once at least k of them held one (until
 * then only a keyed hash left each device). Adding one makes it a catalog addition that
 * devices then count like a catalogued extension.
 */
function Extensions({ extensions, onChanged }: { extensions: ExtensionCandidate[]; onChanged: () => void }) {
  const canEdit = useCanEdit();
  const { k } = useMe();
  const { busy, error, run } = useAction(onChanged);
  const add = (candidate: ExtensionCandidate) => {
    const id = `org-${candidate.store}-${candidate.id.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`
      .slice(0, 64)
      .replace(/-+$/, "");
    const entry = {
      id,
      name: `${candidate.store} extension ${candidate.id}`.slice(0, 80),
      vendor: "Unknown",
      category: "browsers",
      extensions: { [candidate.store]: [candidate.id] },
    };
    return run(() => send("PUT", `/organization/${encodeURIComponent(id)}`, entry), candidate.id);
  };
  return (
    <section aria-labelledby="extension-candidates">
      <h3 id="extension-candidates">Extensions held by at least {num(k)} devices</h3>
      <Problem error={error} />
      <DataTable class="candidates" columns={["Store", "Extension id", { label: "Devices", num: true }, "Seen", ""]}>
        {extensions.map((candidate) => (
          <tr key={`${candidate.store}:${candidate.id}`} data-extension={candidate.id}>
            <td>{candidate.store}</td>
            <th scope="row" class="mono">
              {candidate.id}
            </th>
            <td class="num">{num(candidate.devices)}</td>
            <td class="nowrap">{daySpan(candidate.firstSeen, candidate.lastSeen, false)}</td>
            <td class="row-actions">
              <button
                type="button"
                class="small"
                disabled={!canEdit || busy !== null}
                aria-label={`Add to the catalog: ${candidate.id}`}
                onClick={() => add(candidate)}
              >
                Add to the catalog
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
