import { useState } from "preact/hooks";
import { send, useAction, useResource } from "../api";
import { FigureCell, WithheldNote } from "../components/figures";
import { Async, DataTable, Empty, InlineText, PageTitle, Problem, ReadOnlyNote } from "../components/ui";
import { count, daySpan, num } from "../format";
import { DECISION_NAMES } from "../labels";
import { href } from "../router";
import { useCanEdit, useMe } from "../session";
import type { Decision, ExceptionEntry } from "../types";
import "./exceptions.css";

const DECISIONS: Decision[] = ["pending", "granted", "denied"];

/**
 * The exceptions register: every (tool, reason) people gave when a policy asked them to
 * justify, with how often and by how many devices, and the governance decision on it.
 */
export default function Exceptions() {
  const [exceptions, reload] = useResource<{ exceptions: ExceptionEntry[] }>("/exceptions");
  return (
    <>
      <PageTitle title="Exceptions" />
      <p class="intro">
        When a rule asks people to justify a tool, the reason they pick is counted here as an exception request. Decide
        each one and record an owner and an expiry: the register is part of the evidence pack.
      </p>
      <Async resource={exceptions} what="the exceptions register">
        {(data) =>
          data.exceptions.length === 0 ? (
            <Empty title="No exception requests">
              <p>
                Nobody has justified using a tool yet. Requests appear when a policy rule with the{" "}
                <strong>justify</strong> action matches a tool someone opens (see <a href="#/policy">Policy</a>).
              </p>
            </Empty>
          ) : (
            <Register entries={data.exceptions} onChanged={reload} />
          )
        }
      </Async>
    </>
  );
}

function Register({ entries, onChanged }: { entries: ExceptionEntry[]; onChanged: () => void }) {
  const pending = entries.filter((e) => e.decision === "pending").length;
  return (
    <>
      <p class="muted" role="status" data-testid="exceptions-count">
        {count(entries.length, "exception request")} (a tool and a reason each), {num(pending)} pending a decision.
      </p>
      <ReadOnlyNote action="decide exception requests" />
      <DataTable
        class="exceptions"
        columns={[
          "Tool",
          "Reason",
          { label: "Requests", num: true },
          { label: "Devices", num: true },
          "Seen",
          "Decision",
        ]}
      >
        {entries.map((entry) => (
          <Row key={`${entry.tool}/${entry.reason}`} entry={entry} onChanged={onChanged} />
        ))}
      </DataTable>
      {entries.some((e) => e.requests === null || e.devices === null) && <WithheldNote />}
    </>
  );
}

function Row({ entry, onChanged }: { entry: ExceptionEntry; onChanged: () => void }) {
  const canEdit = useCanEdit();
  const { k } = useMe();
  const [owner, setOwner] = useState(entry.owner ?? "");
  const [decision, setDecision] = useState<Decision>(entry.decision);
  const [expiry, setExpiry] = useState(entry.expiry ?? "");
  const { busy, error, run } = useAction(onChanged);
  const dirty = owner !== (entry.owner ?? "") || decision !== entry.decision || expiry !== (entry.expiry ?? "");
  const label = `${entry.toolName}, ${entry.reasonLabel}`;
  const coarse = entry.devices === null;
  const save = (event: Event) => {
    event.preventDefault();
    void run(() =>
      send("PUT", `/exceptions/${encodeURIComponent(entry.tool)}/${encodeURIComponent(entry.reason)}`, {
        decision,
        ...(owner.trim() ? { owner: owner.trim() } : {}),
        ...(expiry ? { expiry } : {}),
      }),
    );
  };
  return (
    <tr data-exception={`${entry.tool}/${entry.reason}`}>
      <th scope="row">
        <a href={href(["tools", entry.tool])}>{entry.toolName}</a>
      </th>
      <td>
        {entry.reasonLabel}
        {coarse && <span class="vendor">given on fewer than {num(k)} devices</span>}
      </td>
      <FigureCell value={entry.requests} />
      <FigureCell value={entry.devices} />
      <td class="nowrap">{daySpan(entry.firstSeen, entry.lastSeen, coarse)}</td>
      <td>
        <form class="inline-form" onSubmit={save} aria-label={`Exception: ${label}`}>
          <fieldset disabled={!canEdit || busy !== null}>
            <select
              aria-label={`Decision on ${label}`}
              value={decision}
              class={`decision-${decision}`}
              onChange={(e) => setDecision((e.target as HTMLSelectElement).value as Decision)}
            >
              {DECISIONS.map((d) => (
                <option key={d} value={d}>
                  {DECISION_NAMES[d]}
                </option>
              ))}
            </select>
            <InlineText label={`Owner of ${label}`} placeholder="Owner" value={owner} onChange={setOwner} />
            <label>
              <span class="sr-only">Expiry of {label}</span>
              <input type="date" value={expiry} onInput={(e) => setExpiry((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="small" disabled={!dirty}>
              {busy ? "Saving…" : "Save"}
            </button>
          </fieldset>
          {entry.owner && <span class="muted small owner">Owner: {entry.owner}</span>}
          <Problem error={error} />
        </form>
      </td>
    </tr>
  );
}
