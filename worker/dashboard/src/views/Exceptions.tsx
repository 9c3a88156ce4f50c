import { useState } from "preact/hooks";
import { ApiError, send, useResource } from "../api";
import { Async, Empty, FormError, PageTitle, ReadOnlyNote } from "../components/ui";
import { num, shortDay } from "../format";
import { href } from "../router";
import { useCanEdit } from "../session";
import type { Decision, ExceptionEntry } from "../types";

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
      <p class="muted" role="status">
        {num(entries.length)} requests, {num(pending)} pending.
      </p>
      <ReadOnlyNote action="decide exception requests" />
      <div class="table-scroll">
        <table class="data exceptions">
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">Reason</th>
              <th scope="col" class="num">
                Requests
              </th>
              <th scope="col" class="num">
                Devices
              </th>
              <th scope="col">Seen</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <Row key={`${entry.tool}/${entry.reason}`} entry={entry} onChanged={onChanged} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Row({ entry, onChanged }: { entry: ExceptionEntry; onChanged: () => void }) {
  const canEdit = useCanEdit();
  const [owner, setOwner] = useState(entry.owner ?? "");
  const [decision, setDecision] = useState<Decision>(entry.decision);
  const [expiry, setExpiry] = useState(entry.expiry ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const dirty = owner !== (entry.owner ?? "") || decision !== entry.decision || expiry !== (entry.expiry ?? "");
  const label = `${entry.toolName}, ${entry.reasonLabel}`;
  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await send("PUT", `/exceptions/${encodeURIComponent(entry.tool)}/${encodeURIComponent(entry.reason)}`, {
        decision,
        ...(owner.trim() ? { owner: owner.trim() } : {}),
        ...(expiry ? { expiry } : {}),
      });
      onChanged();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, String(caught)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-exception={`${entry.tool}/${entry.reason}`}>
      <th scope="row">
        <a href={href(["tools", entry.tool])}>{entry.toolName}</a>
      </th>
      <td>{entry.reasonLabel}</td>
      <td class="num">{num(entry.requests)}</td>
      <td class="num">{num(entry.devices)}</td>
      <td class="nowrap">
        {entry.firstSeen === entry.lastSeen
          ? shortDay(entry.firstSeen)
          : `${shortDay(entry.firstSeen)} – ${shortDay(entry.lastSeen)}`}
      </td>
      <td>
        <form class="inline-form" onSubmit={save} aria-label={`Exception: ${label}`}>
          <fieldset disabled={!canEdit || busy}>
            <select
              aria-label={`Decision on ${label}`}
              value={decision}
              class={`decision-${decision}`}
              onChange={(e) => setDecision((e.target as HTMLSelectElement).value as Decision)}
            >
              {DECISIONS.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
            <label>
              <span class="sr-only">Owner of {label}</span>
              <input
                type="text"
                placeholder="Owner"
                value={owner}
                onInput={(e) => setOwner((e.target as HTMLInputElement).value)}
              />
            </label>
            <label>
              <span class="sr-only">Expiry of {label}</span>
              <input type="date" value={expiry} onInput={(e) => setExpiry((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="small" disabled={!dirty}>
              {busy ? "Saving…" : "Save"}
            </button>
          </fieldset>
          {entry.owner && <span class="muted small owner">Owner: {entry.owner}</span>}
          <FormError error={error} />
        </form>
      </td>
    </tr>
  );
}
