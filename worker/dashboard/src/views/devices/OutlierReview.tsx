import { useEffect } from "preact/hooks";
import { OUTLIERS } from "../../../../../shared/limits";
import { send, useAction } from "../../api";
import { DataTable, Problem } from "../../components/ui";
import { count, isoWeek, num } from "../../format";
import { flagDetail, flagReasonName, flagStateName } from "../../labels";
import type { Device, Devices, FlagReviewRequest } from "../../types";
import { GroupCell, Pseudonym } from "./DeviceList";

/** Moves to the outlier review (the router owns the hash, so this is no `#outliers` link). */
export function showOutliers(): void {
  const heading = document.getElementById("outliers-title");
  heading?.scrollIntoView({ block: "start" });
  heading?.focus({ preventScroll: true });
}

/**
 * Devices the daily job flagged because their counts on a day stood far above the fleet's.
 * Until an admin keeps one, its counts stay out of awareness and the evidence pack; excluding
 * it keeps them out for good (revoking it also stops its reports).
 */
export function OutlierReview({ data, focus, onChanged }: { data: Devices; focus: boolean; onChanged: () => void }) {
  const { busy, error, run } = useAction(onChanged);
  useEffect(() => {
    if (focus) showOutliers();
  }, [focus]);
  const flagged = data.devices.filter((device): device is Device & { flag: NonNullable<Device["flag"]> } =>
    Boolean(device.flag),
  );
  const review = (device: Device, state: FlagReviewRequest["state"]) =>
    run(() => send("PUT", `/devices/${encodeURIComponent(device.id)}/flag`, { state }), device.id);
  return (
    <>
      <p class="intro">
        The daily job flags a device whose visits or answers to nudges on a day stand above {num(OUTLIERS.factor)} times
        the fleet's median (and above {count(OUTLIERS.minVisits, "visit")} or {count(OUTLIERS.minAnswers, "answer")}).
        Until you review it, its counts stay out of awareness and the evidence pack. Keep a device whose use is real;
        exclude one whose counts look scripted, and revoke it to stop its reports.
      </p>
      <p role="status" data-testid="flagged-count" class={data.flaggedPending > 0 ? "callout callout-note" : "muted"}>
        {data.flaggedPending === 0
          ? "No flagged device is waiting for review."
          : `${count(data.flaggedPending, "flagged device")} waiting for review.`}
      </p>
      <Problem error={error} />
      {flagged.length > 0 && (
        <DataTable
          class="outliers"
          testId="outliers"
          columns={["Pseudonym", "Group", "Why", "Flagged", "State", { label: "Review", hidden: true }]}
        >
          {flagged.map((device) => (
            <tr key={device.id} data-flagged={device.id} class={device.flag.state === "pending" ? "current" : ""}>
              <th scope="row">
                <Pseudonym id={device.id} />
                {device.revoked && <span class="vendor">revoked</span>}
              </th>
              <td>
                <GroupCell device={device} />
              </td>
              <td>
                {flagReasonName(device.flag.reason)}
                <span class="vendor">{flagDetail(device.flag)}</span>
              </td>
              <td title={device.flag.flaggedWeek}>{isoWeek(device.flag.flaggedWeek)}</td>
              <td>
                <span class={`badge flag-${device.flag.state}`}>{flagStateName(device.flag.state)}</span>
              </td>
              <td class="row-actions">
                <button
                  type="button"
                  class="secondary small"
                  aria-pressed={device.flag.state === "kept"}
                  disabled={busy !== null || device.flag.state === "kept"}
                  aria-label={`Keep device ${device.id} in the figures`}
                  onClick={() => review(device, "kept")}
                >
                  Keep
                </button>
                <button
                  type="button"
                  class="danger small"
                  aria-pressed={device.flag.state === "excluded"}
                  disabled={busy !== null || device.flag.state === "excluded"}
                  aria-label={`Exclude device ${device.id} from the figures`}
                  onClick={() => review(device, "excluded")}
                >
                  Exclude
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
