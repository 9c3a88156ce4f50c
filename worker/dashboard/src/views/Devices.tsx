import { useEffect, useState } from "preact/hooks";
import { ApiError, api, send, useResource } from "../api";
import { Async, Empty, FormError, PageTitle, ReadOnlyNote, Stat } from "../components/ui";
import { day, num, pct, when } from "../format";
import { useCanEdit, useMe } from "../session";
import type { Device, Devices as DevicesData, EnrollmentToken, EnrollmentTokenCreated } from "../types";

const PAGE = 100;

export default function Devices() {
  const [devices, reloadDevices] = useResource<DevicesData>(`/devices?limit=${PAGE}`);
  const [tokens, reloadTokens] = useResource<{ tokens: EnrollmentToken[] }>("/enrollment-tokens");
  return (
    <>
      <PageTitle title="Devices" />
      <Async resource={devices} what="the devices">
        {(data) => <DeviceList data={data} onChanged={reloadDevices} />}
      </Async>
      <section class="card" aria-labelledby="tokens-title">
        <h3 id="tokens-title">Enrollment tokens</h3>
        <p class="intro">
          A browser enrolls once with a token (set as the extension's managed setting <code>enrollmentToken</code>) and
          receives its own random pseudonym. Give each rollout its own token so it can be revoked alone; revoking a
          token stops new enrollments but keeps enrolled devices.
        </p>
        <Async resource={tokens} what="the enrollment tokens">
          {(data) => <Tokens tokens={data.tokens} onChanged={reloadTokens} />}
        </Async>
      </section>
    </>
  );
}

/** Two steps for anything irreversible: the first click asks, the second does it. */
function ConfirmButton({
  label,
  confirmLabel,
  disabled,
  onConfirm,
}: {
  label: string;
  confirmLabel: string;
  disabled: boolean;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="danger small" disabled={disabled} aria-label={label} onClick={() => setAsking(true)}>
        Revoke
      </button>
    );
  }
  return (
    <span class="confirm">
      <button type="button" class="danger small" disabled={disabled} onClick={onConfirm}>
        {confirmLabel}
      </button>
      <button type="button" class="secondary small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

function useAction(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async <T,>(action: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setError(null);
    try {
      const result = await action();
      onDone();
      return result;
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, String(caught)));
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

function DeviceList({ data, onChanged }: { data: DevicesData; onChanged: () => void }) {
  const canEdit = useCanEdit();
  const { k } = useMe();
  const { busy, error, run } = useAction(() => {});
  const revoke = useAction(onChanged);
  const [showRevoked, setShowRevoked] = useState(false);
  // The first page comes with the view; later pages are appended on request.
  const [rows, setRows] = useState<Device[]>(data.devices);
  useEffect(() => setRows(data.devices), [data]);
  const more = () =>
    run(async () => {
      const page = await api<DevicesData>(`/devices?limit=${PAGE}&offset=${rows.length}`);
      setRows([...rows, ...page.devices]);
    });
  const shown = rows.filter((d) => showRevoked || d.revokedAt === null);
  return (
    <>
      <dl class="stats">
        <Stat label="Enrolled" value={num(data.enrolled)} />
        <Stat
          label="Reporting (7 days)"
          value={num(data.reporting7)}
          detail={`${pct(data.reporting7, data.enrolled)} of enrolled`}
        />
        <Stat label="Revoked" value={num(data.revoked)} />
      </dl>
      {data.devices.length === 0 ? (
        <Empty title="No device has enrolled yet">
          <p>
            Create an enrollment token below, then deploy the extension with it (managed settings <code>serverUrl</code>{" "}
            and <code>enrollmentToken</code>, or the extension's options page). Devices appear here after their first
            contact.
          </p>
        </Empty>
      ) : (
        <section class="card" aria-labelledby="devices-title">
          <div class="section-head">
            <h3 id="devices-title">Devices</h3>
            <label class="inline">
              <input
                type="checkbox"
                checked={showRevoked}
                onChange={(e) => setShowRevoked((e.target as HTMLInputElement).checked)}
              />{" "}
              Show revoked devices
            </label>
          </div>
          <ReadOnlyNote action="revoke devices" />
          <FormError error={revoke.error ?? error} />
          <div class="table-scroll">
            <table class="data devices">
              <thead>
                <tr>
                  <th scope="col">Pseudonym</th>
                  <th scope="col">Group</th>
                  <th scope="col">Browser</th>
                  <th scope="col">Extension</th>
                  <th scope="col">Enrolled</th>
                  <th scope="col">Last report</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((device) => (
                  <tr key={device.id} data-device={device.id} class={device.revokedAt ? "revoked" : ""}>
                    <th scope="row" class="mono" title={device.id}>
                      {device.id.slice(0, 12)}
                    </th>
                    <td>
                      {device.groupSuppressed ? (
                        <span class="suppressed">withheld (group under {num(k)} devices)</span>
                      ) : (
                        (device.group ?? <span class="muted">none</span>)
                      )}
                    </td>
                    <td>{device.browser ?? "–"}</td>
                    <td>{device.extensionVersion ?? "–"}</td>
                    <td>{when(device.enrolledAt)}</td>
                    <td>{day(device.lastReportDay)}</td>
                    <td>
                      {device.revokedAt ? (
                        <span class="muted">revoked {when(device.revokedAt)}</span>
                      ) : (
                        <ConfirmButton
                          label={`Revoke device ${device.id}`}
                          confirmLabel="Revoke this device"
                          disabled={!canEdit || revoke.busy}
                          onConfirm={() =>
                            revoke.run(() => send("POST", `/devices/${encodeURIComponent(device.id)}/revoke`))
                          }
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rows.length < data.total && (
            <p>
              <button type="button" class="secondary" disabled={busy} onClick={more}>
                {busy ? "Loading…" : `Show more (${num(rows.length)} of ${num(data.total)} shown)`}
              </button>
            </p>
          )}
        </section>
      )}
    </>
  );
}

function Tokens({ tokens, onChanged }: { tokens: EnrollmentToken[]; onChanged: () => void }) {
  const canEdit = useCanEdit();
  const { busy, error, run } = useAction(onChanged);
  const [label, setLabel] = useState("");
  const [created, setCreated] = useState<{ label: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = async (event: Event) => {
    event.preventDefault();
    const result = await run(() => send<EnrollmentTokenCreated>("POST", "/enrollment-tokens", { label: label.trim() }));
    if (result) {
      setCreated({ label: result.label, token: result.token });
      setCopied(false);
      setLabel("");
    }
  };
  return (
    <>
      <ReadOnlyNote action="create or revoke enrollment tokens" />
      <form class="inline-form create-token" onSubmit={create}>
        <fieldset disabled={!canEdit || busy}>
          <label>
            Label
            <input
              type="text"
              required
              maxLength={80}
              placeholder="e.g. Finance laptops, spring rollout"
              value={label}
              onInput={(e) => setLabel((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit">Create token</button>
        </fieldset>
      </form>
      <FormError error={error} />
      {created && (
        <div class="callout callout-ok" role="status" data-testid="new-token">
          <p>Token for “{created.label}”. Copy it now: it is stored only as a hash and cannot be shown again.</p>
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
      {tokens.length === 0 ? (
        <p class="muted">
          No tokens created here yet. Devices can still enroll with the <code>ENROLLMENT_TOKEN</code> the worker was
          configured with.
        </p>
      ) : (
        <table class="data tokens">
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">Created</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id} data-token={token.id} class={token.revokedAt ? "revoked" : ""}>
                <th scope="row">{token.label}</th>
                <td>{when(token.createdAt)}</td>
                <td>
                  {token.revokedAt ? (
                    <span class="muted">revoked {when(token.revokedAt)}</span>
                  ) : (
                    <ConfirmButton
                      label={`Revoke token ${token.label}`}
                      confirmLabel="Revoke this token"
                      disabled={!canEdit || busy}
                      onConfirm={() =>
                        run(() => send("POST", `/enrollment-tokens/${encodeURIComponent(token.id)}/revoke`))
                      }
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
