import { useResource } from "../api";
import { Stat } from "../components/figures";
import { AdminsOnly, Async, PageTitle } from "../components/ui";
import { count, num, pct } from "../format";
import type { ViewProps } from "../main";
import { useCanEdit } from "../session";
import type { Devices as DevicesData, EnrollmentToken } from "../types";
import { DeviceList, PAGE } from "./devices/DeviceList";
import "./devices/devices.css";
import { OutlierReview, showOutliers } from "./devices/OutlierReview";
import { Tokens } from "./devices/Tokens";

/**
 * Devices (revoke, re-admit), the review of devices flagged as outliers, and enrollment tokens.
 * Admins only: even with weeks for days and small groups withheld, it is a list of pseudonyms.
 */
export default function Devices({ route }: ViewProps) {
  const canEdit = useCanEdit();
  return (
    <>
      <PageTitle title="Devices" />
      {canEdit ? (
        <AdminView focusFlagged={route.query.get("flagged") === "true"} />
      ) : (
        <AdminsOnly what="Devices and enrollment tokens" />
      )}
    </>
  );
}

function AdminView({ focusFlagged }: { focusFlagged: boolean }) {
  const [devices, reloadDevices] = useResource<DevicesData>(`/devices?limit=${PAGE}`);
  const [flagged, reloadFlagged] = useResource<DevicesData>("/devices?flagged=true&limit=1000");
  const [tokens, reloadTokens] = useResource<{ tokens: EnrollmentToken[] }>("/enrollment-tokens");
  // A device changed: its list, the flags and the tokens' device counts all move.
  const reloadAll = () => {
    reloadDevices();
    reloadFlagged();
    reloadTokens();
  };
  return (
    <>
      <Async resource={devices} what="the devices">
        {(data) => <Totals data={data} />}
      </Async>
      <section class="card" id="outliers" aria-labelledby="outliers-title">
        <h3 id="outliers-title" tabIndex={-1}>
          Outlier review
        </h3>
        <Async resource={flagged} what="the flagged devices">
          {(data) => <OutlierReview data={data} focus={focusFlagged} onChanged={reloadAll} />}
        </Async>
      </section>
      <Async resource={devices} what="the device list">
        {(data) => <DeviceList data={data} onChanged={reloadAll} />}
      </Async>
      <section class="card" aria-labelledby="tokens-title">
        <h3 id="tokens-title">Enrollment tokens</h3>
        <p class="intro">
          A browser enrolls once with a token (the extension's managed setting <code>enrollmentToken</code>) and
          receives its own random pseudonym. Groups exist only through tokens: give each group of people its own token,
          with the group's headcount as its device cap, so no device can choose its group or swell a small one. Revoking
          a token stops new enrollments with it; enrolled devices keep reporting.
        </p>
        <Async resource={tokens} what="the enrollment tokens">
          {(data) => <Tokens tokens={data.tokens} onChanged={reloadTokens} />}
        </Async>
      </section>
    </>
  );
}

function Totals({ data }: { data: DevicesData }) {
  return (
    <dl class="stats" data-testid="device-stats">
      <Stat label="Enrolled" value={num(data.enrolled)} detail="not revoked" />
      <Stat
        label="Reporting (7 days)"
        value={num(data.reporting7)}
        detail={`${pct(data.reporting7, data.enrolled)} of enrolled`}
      />
      <Stat label="Revoked" value={num(data.revoked)} detail="can be re-admitted" />
      <Stat
        label="Flagged to review"
        value={num(data.flaggedPending)}
        detail={
          data.flaggedPending === 0 ? (
            "no device waiting"
          ) : (
            <button type="button" class="plain link" onClick={showOutliers}>
              {count(data.flaggedPending, "device")} kept out of evidence until reviewed
            </button>
          )
        }
      />
    </dl>
  );
}
