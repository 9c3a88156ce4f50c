import { useState } from "preact/hooks";
import { LIMITS } from "../../../../../shared/limits";
import { send, useAction } from "../../api";
import { Bar } from "../../components/figures";
import { ConfirmButton, DataTable, Problem } from "../../components/ui";
import { count, num, pct, when } from "../../format";
import type {
  EnrollmentToken,
  EnrollmentTokenCreated,
  EnrollmentTokenRequest,
  EnrollmentTokenUpdate,
} from "../../types";

const JUMP = LIMITS.enrollmentJump;
const jumpRule = `more enrollments in 24 hours than ${pct(JUMP.shareOfCap, 1)} of the cap (and at least ${num(JUMP.minimum)})`;

/** Enrollment tokens: one per group, each with a device cap; created, capped and revoked here. */
export function Tokens({ tokens, onChanged }: { tokens: EnrollmentToken[]; onChanged: () => void }) {
  const groups = [...new Set(tokens.flatMap((token) => (token.group ? [token.group] : [])))].sort();
  return (
    <>
      <CreateToken groups={groups} onCreated={onChanged} />
      <DataTable
        class="tokens"
        columns={[
          "Label",
          "Group",
          "Devices of cap",
          { label: "Enrolled in 24 h", num: true },
          "Created",
          { label: "Actions", hidden: true },
        ]}
      >
        {tokens.map((token) => (
          <TokenRow key={token.id} token={token} onChanged={onChanged} />
        ))}
      </DataTable>
      <p class="muted small">
        A token's enrollments “jumped” with {jumpRule}: check that the token has not leaked before raising its cap.
      </p>
    </>
  );
}

function CreateToken({ groups, onCreated }: { groups: string[]; onCreated: () => void }) {
  const { busy, error, run } = useAction(onCreated);
  const [label, setLabel] = useState("");
  const [group, setGroup] = useState("");
  const [cap, setCap] = useState("");
  const [created, setCreated] = useState<EnrollmentTokenCreated | null>(null);
  const [copied, setCopied] = useState(false);
  const create = async (event: Event) => {
    event.preventDefault();
    const body: EnrollmentTokenRequest = { label: label.trim(), maxDevices: Number(cap) };
    if (group.trim()) body.group = group.trim();
    const result = await run(() => send<EnrollmentTokenCreated>("POST", "/enrollment-tokens", body));
    if (result) {
      setCreated(result);
      setCopied(false);
      setLabel("");
      setGroup("");
      setCap("");
    }
  };
  return (
    <>
      <form class="inline-form create-token" onSubmit={create} aria-label="Create an enrollment token">
        <fieldset disabled={busy !== null}>
          <label>
            Label
            <input
              type="text"
              required
              maxLength={80}
              placeholder="e.g. Finance laptops"
              value={label}
              onInput={(e) => setLabel((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            Group
            <input
              type="text"
              maxLength={LIMITS.maxGroupLength}
              list="known-groups"
              placeholder="e.g. Finance (optional)"
              value={group}
              onInput={(e) => setGroup((e.target as HTMLInputElement).value)}
            />
          </label>
          <datalist id="known-groups">
            {groups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
          <label>
            Device cap
            <input
              type="number"
              required
              min={1}
              max={LIMITS.maxDevicesPerToken}
              placeholder="headcount"
              value={cap}
              onInput={(e) => setCap((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit">Create token</button>
        </fieldset>
        <p class="hint">
          The cap is the group's headcount: enrollments beyond it are refused, so no one can enroll extra devices to
          lift a small group over the anonymity threshold.
        </p>
      </form>
      <Problem error={error} />
      {created && (
        <div class="callout callout-ok" role="status" data-testid="new-token">
          <p>
            Token for “{created.label}”{created.group ? ` (group ${created.group})` : ""}, for at most{" "}
            {count(created.maxDevices, "device")}. Copy it now: it is stored only as a hash and cannot be shown again.
          </p>
          <p>
            <code class="secret">{created.token}</code>{" "}
            <button
              type="button"
              class="secondary small"
              onClick={() =>
                navigator.clipboard.writeText(created.token).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </p>
        </div>
      )}
    </>
  );
}

function TokenRow({ token, onChanged }: { token: EnrollmentToken; onChanged: () => void }) {
  const { busy, error, run } = useAction(onChanged);
  const [editing, setEditing] = useState(false);
  const [cap, setCap] = useState(String(token.maxDevices));
  const revoked = token.revokedAt !== null;
  const saveCap = async (event: Event) => {
    event.preventDefault();
    const body: EnrollmentTokenUpdate = { maxDevices: Number(cap) };
    const done = await run(() => send("PATCH", `/enrollment-tokens/${encodeURIComponent(token.id)}`, body));
    if (done) setEditing(false);
  };
  return (
    <tr data-token={token.id} class={revoked ? "revoked" : ""}>
      <th scope="row">
        {token.label}
        {token.bootstrap && <span class="vendor">the worker's ENROLLMENT_TOKEN secret</span>}
      </th>
      <td>{token.group ?? <span class="muted">no group</span>}</td>
      <td class="cap">
        {editing ? (
          <form class="inline-form" onSubmit={saveCap} aria-label={`Device cap of ${token.label}`}>
            <fieldset disabled={busy !== null}>
              <label>
                <span class="sr-only">New device cap for {token.label}</span>
                <input
                  type="number"
                  required
                  min={1}
                  max={LIMITS.maxDevicesPerToken}
                  value={cap}
                  onInput={(e) => setCap((e.target as HTMLInputElement).value)}
                />
              </label>
              <button type="submit" class="small">
                Save cap
              </button>
              <button type="button" class="secondary small" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </fieldset>
          </form>
        ) : (
          <div class="coverage">
            <Bar
              value={token.devices}
              max={token.maxDevices}
              label={`${num(token.devices)} of ${count(token.maxDevices, "device")}`}
            />
            <span class="nowrap" data-testid="devices-of-cap">
              {num(token.devices)} of {num(token.maxDevices)}
            </span>
          </div>
        )}
        <Problem error={error} />
      </td>
      <td class="num">
        {num(token.enrolledLast24h)}
        {token.enrollmentJump && (
          <span class="badge jump" title={`Enrollments jumped: ${jumpRule}.`} data-testid="jump">
            Jumped<span class="sr-only">: {jumpRule}</span>
          </span>
        )}
      </td>
      <td>{token.bootstrap ? <span class="muted">set with the worker</span> : when(token.createdAt)}</td>
      <td class="row-actions">
        {revoked ? (
          <span class="muted">revoked {when(token.revokedAt)}</span>
        ) : token.bootstrap ? (
          <span class="muted small">change it in the worker's secrets</span>
        ) : (
          <>
            {!editing && (
              <button
                type="button"
                class="secondary small"
                aria-label={`Change the device cap of ${token.label}`}
                onClick={() => {
                  setCap(String(token.maxDevices));
                  setEditing(true);
                }}
              >
                Change cap
              </button>
            )}
            <ConfirmButton
              label={`Revoke token ${token.label}`}
              text="Revoke"
              confirmText="Revoke this token"
              disabled={busy !== null}
              onConfirm={() => run(() => send("POST", `/enrollment-tokens/${encodeURIComponent(token.id)}/revoke`))}
            />
          </>
        )}
      </td>
    </tr>
  );
}
