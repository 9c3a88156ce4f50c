import { useState } from "preact/hooks";
import { REVIEW_QUEUE_STATES, type ReviewQueueState } from "../../../../shared/events";
import { send, useAction, useResource } from "../api";
import { FigureCell, WithheldNote } from "../components/figures";
import { Async, DataTable, Empty, InlineText, PageTitle, Problem, ReadOnlyNote } from "../components/ui";
import { count, day, daySpan, num } from "../format";
import { REVIEW_QUEUE_STATE_NAMES, reviewStatusName } from "../labels";
import { href } from "../router";
import { useCanEdit, useMe } from "../session";
import type { ReviewQueueEntry, ReviewQueueResponse } from "../types";
import "./exceptions.css";

/**
 * The review queue: tools people asked to have reviewed from the blocked page. The security
 * team takes each one up (owner, in review), notes what it found, and closes it, usually by
 * reviewing the tool, which closes the request by itself.
 */
export default function ReviewRequests() {
  const [queue, reload] = useResource<ReviewQueueResponse>("/review-requests");
  return (
    <>
      <PageTitle title="Review requests" />
      <p class="intro">
        When a policy blocks a tool, people can ask for it to be reviewed. Each tool asked about is one request here.
        Take it up, then review the tool from its page: saving the review closes the request, and the people who asked
        see the outcome in the extension's panel.
      </p>
      <Async resource={queue} what="the review requests">
        {(data) =>
          data.requests.length === 0 ? (
            <Empty title="No review requests">
              <p>
                Nobody has asked for a review yet. The button appears on the page the extension shows instead of a
                blocked tool (see <a href="#/policy">Policy</a>).
              </p>
            </Empty>
          ) : (
            <Queue entries={data.requests} onChanged={reload} />
          )
        }
      </Async>
    </>
  );
}

function Queue({ entries, onChanged }: { entries: ReviewQueueEntry[]; onChanged: () => void }) {
  const open = entries.filter((e) => e.state === "open").length;
  return (
    <>
      <p class="muted" role="status" data-testid="review-requests-count">
        {count(entries.length, "tool")} asked about, {num(open)} waiting for someone to take{" "}
        {open === 1 ? "it" : "them"} up.
      </p>
      <ReadOnlyNote action="take up review requests" />
      <DataTable
        class="exceptions"
        columns={[
          "Tool",
          { label: "Requests", num: true },
          { label: "Devices", num: true },
          "Asked",
          "Outcome",
          "State",
        ]}
      >
        {entries.map((entry) => (
          <Row key={entry.tool} entry={entry} onChanged={onChanged} />
        ))}
      </DataTable>
      {entries.some((e) => e.requests === null || e.devices === null) && <WithheldNote />}
    </>
  );
}

function Row({ entry, onChanged }: { entry: ReviewQueueEntry; onChanged: () => void }) {
  const canEdit = useCanEdit();
  const { k } = useMe();
  const [state, setState] = useState<ReviewQueueState>(entry.state);
  const [owner, setOwner] = useState(entry.owner ?? "");
  const [note, setNote] = useState(entry.note ?? "");
  const { busy, error, run } = useAction(onChanged);
  const dirty = state !== entry.state || owner !== (entry.owner ?? "") || note !== (entry.note ?? "");
  const coarse = entry.devices === null;
  const save = (event: Event) => {
    event.preventDefault();
    void run(() =>
      send("PUT", `/review-requests/${encodeURIComponent(entry.tool)}`, {
        state,
        owner: owner.trim() || null,
        note: note.trim() || null,
      }),
    );
  };
  return (
    <tr data-review-request={entry.tool}>
      <th scope="row">
        <a href={href(["tools", entry.tool])}>{entry.toolName}</a>
        {entry.reopened && <span class="vendor">asked again after it was closed</span>}
        {coarse && <span class="vendor">asked on fewer than {num(k)} devices</span>}
      </th>
      <FigureCell value={entry.requests} />
      <FigureCell value={entry.devices} />
      <td class="nowrap">{daySpan(entry.firstRequested, entry.lastRequested, coarse)}</td>
      <td>
        {entry.review ? reviewStatusName(entry.review.status) : <span class="muted">Not reviewed</span>}
        {entry.state === "closed" && entry.closedDay && <span class="vendor">closed {day(entry.closedDay)}</span>}
      </td>
      <td>
        <form class="inline-form" onSubmit={save} aria-label={`Review request: ${entry.toolName}`}>
          <fieldset disabled={!canEdit || busy !== null}>
            <select
              aria-label={`State of the request for ${entry.toolName}`}
              value={state}
              onChange={(e) => setState((e.target as HTMLSelectElement).value as ReviewQueueState)}
            >
              {REVIEW_QUEUE_STATES.map((id) => (
                <option key={id} value={id}>
                  {REVIEW_QUEUE_STATE_NAMES[id]}
                </option>
              ))}
            </select>
            <InlineText
              label={`Owner of the request for ${entry.toolName}`}
              placeholder="Owner"
              value={owner}
              onChange={setOwner}
            />
            <InlineText
              label={`Note on the request for ${entry.toolName}`}
              placeholder="Note"
              value={note}
              onChange={setNote}
            />
            <button type="submit" class="small" disabled={!dirty}>
              {busy ? "Saving…" : "Save"}
            </button>
          </fieldset>
          <Problem error={error} />
        </form>
      </td>
    </tr>
  );
}
