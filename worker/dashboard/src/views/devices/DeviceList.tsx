import { useEffect, useState } from "preact/hooks";
import { api, send, useAction } from "../../api";
import { ConfirmButton, DataTable, Empty, Problem } from "../../components/ui";
import { isoWeek, num } from "../../format";
import { browserName, flagStateName } from "../../labels";
import { useMe } from "../../session";
import type { Device, Devices } from "../../types";

export const PAGE = 100;

/** A device's group as the list may show it: a group under k devices is never named. */
export function GroupCell({ device }: { device: Device }) {
  const { k } = useMe();
  if (device.groupSuppressed) return <span class="suppressed">withheld (group under {num(k)} devices)</span>;
  return device.group === null ? <span class="muted">no group</span> : device.group;
}

/** The pseudonym in full (it is what an admin matches against a browser's options page). */
export function Pseudonym({ id }: { id: string }) {
  return <span class="mono pseudonym">{id}</span>;
}

/**
 * Every device, most recent reporters first, paged. Revoked devices are hidden until asked
 * for, and can be re-admitted: their token works again and they report as before.
 */
export function DeviceList({ data, onChanged }: { data: Devices; onChanged: () => void }) {
  const more = useAction();
  const change = useAction(onChanged);
  const [showRevoked, setShowRevoked] = useState(false);
  // The first page comes with the view; later pages are appended on request.
  const [rows, setRows] = useState<Device[]>(data.devices);
  useEffect(() => setRows(data.devices), [data]);
  const loadMore = () =>
    more.run(async () => {
      const page = await api<Devices>(`/devices?limit=${PAGE}&offset=${rows.length}`);
      setRows([...rows, ...page.devices]);
    });
  if (data.devices.length === 0) {
    return (
      <Empty title="No device has enrolled yet">
        <p>
          Create an enrollment token below, then deploy the extension with it (managed settings <code>serverUrl</code>{" "}
          and <code>enrollmentToken</code>, or the extension's options page). Devices appear here after their first
          contact.
        </p>
      </Empty>
    );
  }
  const shown = rows.filter((d) => showRevoked || !d.revoked);
  const act = (device: Device, what: "revoke" | "readmit") =>
    change.run(() => send<Device>("POST", `/devices/${encodeURIComponent(device.id)}/${what}`), device.id);
  return (
    <section class="card" aria-labelledby="devices-title">
      <div class="section-head">
        <h3 id="devices-title">Devices</h3>
        <label class="inline">
          <input
            type="checkbox"
            checked={showRevoked}
            onChange={(e) => setShowRevoked((e.target as HTMLInputElement).checked)}
          />{" "}
          Show revoked devices ({num(data.revoked)})
        </label>
      </div>
      <p class="muted small">
        Times are shown as weeks only, and a group under the anonymity threshold is withheld, so the list cannot tell
        when or where one person worked.
      </p>
      <Problem error={change.error ?? more.error} />
      <DataTable
        class="devices"
        columns={[
          "Pseudonym",
          "Group",
          "Browser",
          "Extension",
          "Enrolled",
          "Last report",
          "Flag",
          { label: "Actions", hidden: true },
        ]}
      >
        {shown.map((device) => (
          <tr key={device.id} data-device={device.id} class={device.revoked ? "revoked" : ""}>
            <th scope="row">
              <Pseudonym id={device.id} />
            </th>
            <td>
              <GroupCell device={device} />
            </td>
            <td>{device.browser ? browserName(device.browser) : "–"}</td>
            <td>{device.extensionVersion ?? "–"}</td>
            <td title={device.enrolledWeek}>{isoWeek(device.enrolledWeek)}</td>
            <td title={device.lastReportWeek ?? undefined}>
              {device.lastReportWeek ? isoWeek(device.lastReportWeek) : <span class="muted">not yet</span>}
            </td>
            <td>
              {device.flag ? (
                <span class={`badge flag-${device.flag.state}`}>{flagStateName(device.flag.state)}</span>
              ) : (
                <span class="muted">–</span>
              )}
            </td>
            <td class="row-actions">
              {device.revoked ? (
                <>
                  <span class="badge revoked-badge">Revoked</span>
                  <button
                    type="button"
                    class="secondary small"
                    disabled={change.busy !== null}
                    aria-label={`Re-admit device ${device.id}`}
                    onClick={() => act(device, "readmit")}
                  >
                    Re-admit
                  </button>
                </>
              ) : (
                <ConfirmButton
                  label={`Revoke device ${device.id}`}
                  text="Revoke"
                  confirmText="Revoke this device"
                  disabled={change.busy !== null}
                  onConfirm={() => act(device, "revoke")}
                />
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {rows.length < data.total && (
        <p>
          <button type="button" class="secondary" disabled={more.busy !== null} onClick={loadMore}>
            {more.busy ? "Loading…" : `Show more (${num(rows.length)} of ${num(data.total)} shown)`}
          </button>
        </p>
      )}
    </section>
  );
}
