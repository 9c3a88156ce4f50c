import { useResource } from "../api";
import { BarChart, COLORS, TrendChart } from "../components/charts";
import { CoverageCells, Figure, OfFigure, Share, Stat, WithheldNote } from "../components/figures";
import { GroupTable } from "../components/groups";
import { Async, Empty, PageTitle, SelectField, TableHead } from "../components/ui";
import { count, pct, when } from "../format";
import { EVENT_NAMES } from "../labels";
import type { ViewProps } from "../main";
import { replaceQuery } from "../router";
import type { Awareness as AwarenessData } from "../types";
import { Guard } from "./awareness/Guard";
import { Literacy } from "./awareness/Literacy";

type Funnel = AwarenessData["funnel"];

/**
 * The funnel in the API's order (FUNNEL_EVENTS in shared/admin/awareness.ts, a module that
 * would bring zod into the bundle). A record over the response's keys: the compiler names any
 * outcome the API adds or drops.
 */
const FUNNEL: Record<keyof Funnel, true> = {
  nudge_shown: true,
  acknowledged: true,
  justified: true,
  redirected: true,
  blocked: true,
  dismissed: true,
  left: true,
  nudge_tampered: true,
};
const FUNNEL_EVENTS = Object.keys(FUNNEL) as Array<keyof Funnel>;

/**
 * Who has acknowledged which policy version, as coverage of distinct devices only: groups
 * below k devices are merged into one "other groups" row by the API (withheld while even that
 * row is below k), never shown by name.
 */
export default function Awareness({ route }: ViewProps) {
  const version = route.query.get("version");
  const [awareness] = useResource<AwarenessData>(
    version ? `/awareness?version=${encodeURIComponent(version)}` : "/awareness",
  );
  return (
    <>
      <PageTitle title="Awareness" />
      <p class="intro">
        Every figure counts distinct devices, each once however often it answered; devices flagged as outliers are left
        out until an admin reviews them. Counts are reported by the devices themselves.
      </p>
      <Async resource={awareness} what="awareness">
        {(data) => <Body data={data} route={route} />}
      </Async>
    </>
  );
}

function Body({ data, route }: { data: AwarenessData; route: ViewProps["route"] }) {
  const current = data.versions.find((v) => v.version === data.policyVersion);
  const funnelShown = FUNNEL_EVENTS.some((key) => data.funnel[key] !== 0);
  const withheld =
    data.versions.some((v) => v.acknowledged === null || v.active === null) ||
    data.byGroup.some((g) => g.suppressed) ||
    FUNNEL_EVENTS.some((key) => data.funnel[key] === null) ||
    data.trend.some((d) => d.nudge_shown === null || d.acknowledged === null) ||
    data.literacy.users === null ||
    data.literacy.byGroup.some((g) => g.suppressed) ||
    data.literacy.lessons.some((l) => l.users === null);
  return (
    <>
      <div class="toolbar">
        <SelectField
          label="Policy version"
          value={String(data.policyVersion)}
          onChange={(version) => replaceQuery(route, { version })}
        >
          {data.versions.map((v) => (
            <option key={v.version} value={String(v.version)}>
              v{v.version} (published {when(v.publishedAt)})
            </option>
          ))}
        </SelectField>
      </div>
      <dl class="stats">
        <Stat
          label={`Acknowledged v${data.policyVersion}`}
          value={<Share part={current?.acknowledged} whole={current?.active} />}
          detail={
            <>
              <OfFigure part={current?.acknowledged} whole={current?.active} /> active devices
            </>
          }
        />
        <Stat
          label="Devices shown a nudge"
          value={<Figure value={data.funnel.nudge_shown} />}
          detail={`policy v${data.policyVersion}`}
        />
        <Stat
          label="Smallest group shown"
          value={count(data.k, "device")}
          detail="smaller groups are merged into “other groups” in every view and export"
        />
      </dl>
      {withheld && <WithheldNote />}

      <div class="columns">
        <section class="card" aria-labelledby="versions-title">
          <h3 id="versions-title">Coverage by policy version</h3>
          <table class="data" data-testid="versions">
            <TableHead
              columns={[
                "Version",
                "Published",
                { label: "Running", num: true },
                { label: "Acknowledged", num: true },
                "Coverage",
              ]}
            />
            <tbody>
              {data.versions.map((v) => (
                <tr key={v.version} data-version={v.version} class={v.version === data.policyVersion ? "current" : ""}>
                  <th scope="row">v{v.version}</th>
                  <td>{when(v.publishedAt)}</td>
                  <td class="num running">
                    <Figure value={v.running} />
                  </td>
                  <CoverageCells part={v.acknowledged} whole={v.active} />
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">
            Running: active devices whose latest counts were made under that version. A device fetches a new version
            with its next report.
          </p>
        </section>

        <section class="card" aria-labelledby="groups-title">
          <h3 id="groups-title">Coverage of v{data.policyVersion} by group</h3>
          {data.byGroup.length === 0 ? (
            <p class="muted">
              No device is active yet. Give each group of people its own enrollment token (under Devices) to see
              coverage per group.
            </p>
          ) : (
            <GroupTable rows={data.byGroup} k={data.k} />
          )}
        </section>
      </div>

      <div class="columns">
        <section class="card" aria-labelledby="funnel-title">
          <h3 id="funnel-title">What people did with the nudge (v{data.policyVersion})</h3>
          {!funnelShown ? (
            <Empty title="No nudges yet">
              <p>No device has shown a nudge under this version.</p>
            </Empty>
          ) : (
            <>
              <BarChart
                label="Devices per nudge outcome"
                labels={FUNNEL_EVENTS.map((key) => EVENT_NAMES[key])}
                values={FUNNEL_EVENTS.map((key) => data.funnel[key])}
              />
              <table class="data compact" data-testid="funnel">
                <TableHead
                  columns={["Outcome", { label: "Devices", num: true }, { label: "Of those shown", num: true }]}
                />
                <tbody>
                  {FUNNEL_EVENTS.map((key) => (
                    <tr key={key} data-event={key}>
                      <th scope="row">{EVENT_NAMES[key]}</th>
                      <td class="num">
                        <Figure value={data.funnel[key]} />
                      </td>
                      <td class="num muted">
                        {key === "nudge_shown" || data.funnel[key] === null
                          ? ""
                          : pct(data.funnel[key], data.funnel.nudge_shown)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
        <section class="card" aria-labelledby="ack-trend-title">
          <h3 id="ack-trend-title">Devices shown a nudge and acknowledging, per day</h3>
          {data.trend.every((d) => d.nudge_shown === 0 && d.acknowledged === 0) ? (
            <p class="muted">No nudges in this period.</p>
          ) : (
            <TrendChart
              label="Devices shown a nudge and devices that acknowledged, per day"
              days={data.trend.map((d) => d.day)}
              series={[
                { label: "Shown", values: data.trend.map((d) => d.nudge_shown), color: COLORS.blue },
                { label: "Acknowledged", values: data.trend.map((d) => d.acknowledged), color: COLORS.green },
              ]}
            />
          )}
        </section>
      </div>

      <Literacy literacy={data.literacy} k={data.k} />
      <Guard guard={data.guard} />
    </>
  );
}
