import { useResource } from "../api";
import { BarChart, COLORS, TrendChart } from "../components/charts";
import { Async, Bar, Empty, PageTitle, SelectField, Stat } from "../components/ui";
import { fillDays, num, pct, when } from "../format";
import type { ViewProps } from "../main";
import { replaceQuery } from "../router";
import type { Awareness as AwarenessData } from "../types";

const FUNNEL: Array<[keyof AwarenessData["funnel"], string]> = [
  ["nudge_shown", "Shown"],
  ["acknowledged", "Acknowledged"],
  ["justified", "Justified"],
  ["redirected", "Redirected"],
  ["dismissed", "Dismissed"],
  ["left", "Left"],
  ["blocked", "Blocked"],
];

/**
 * Who has acknowledged which policy version, as coverage only: groups smaller than k devices
 * are suppressed by the API and shown here as such, never as a number.
 */
export default function Awareness({ route }: ViewProps) {
  const version = route.query.get("version");
  const [awareness] = useResource<AwarenessData>(
    version ? `/awareness?version=${encodeURIComponent(version)}` : "/awareness",
  );
  return (
    <>
      <PageTitle title="Awareness" />
      <Async resource={awareness} what="awareness">
        {(data) => <Body data={data} route={route} />}
      </Async>
    </>
  );
}

function Body({ data, route }: { data: AwarenessData; route: ViewProps["route"] }) {
  const current = data.versions.find((v) => v.version === data.policyVersion);
  const trend = fillDays(data.trend, (d) => ({ day: d, nudge_shown: 0, acknowledged: 0 }));
  const funnelTotal = FUNNEL.reduce((sum, [key]) => sum + (data.funnel[key] ?? 0), 0);
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
          value={pct(current?.acknowledged, current?.active)}
          detail={`${num(current?.acknowledged ?? 0)} of ${num(current?.active ?? 0)} active devices`}
        />
        <Stat label="Nudges shown" value={num(data.funnel.nudge_shown)} detail={`policy v${data.policyVersion}`} />
        <Stat
          label="Smallest group shown"
          value={`${num(data.k)} devices`}
          detail="smaller groups are suppressed in every view and export"
        />
      </dl>

      <div class="columns">
        <section class="card" aria-labelledby="versions-title">
          <h3 id="versions-title">Coverage by policy version</h3>
          <table class="data" data-testid="versions">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Published</th>
                <th scope="col" class="num">
                  Acknowledged
                </th>
                <th scope="col">Coverage</th>
              </tr>
            </thead>
            <tbody>
              {data.versions.map((v) => (
                <tr key={v.version} data-version={v.version} class={v.version === data.policyVersion ? "current" : ""}>
                  <th scope="row">v{v.version}</th>
                  <td>{when(v.publishedAt)}</td>
                  <td class="num">
                    {num(v.acknowledged)} of {num(v.active)}
                  </td>
                  <td>
                    <div class="coverage">
                      <Bar value={v.acknowledged} max={v.active} label={pct(v.acknowledged, v.active)} />
                      <span class="num">{pct(v.acknowledged, v.active)}</span>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section class="card" aria-labelledby="groups-title">
          <h3 id="groups-title">Coverage of v{data.policyVersion} by group</h3>
          {data.byGroup.length === 0 ? (
            <p class="muted">
              No device has a group label. Set one with the extension's managed settings (<code>group</code>) to see
              coverage per team.
            </p>
          ) : (
            <table class="data" data-testid="groups">
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col" class="num">
                    Acknowledged
                  </th>
                  <th scope="col">Coverage</th>
                </tr>
              </thead>
              <tbody>
                {data.byGroup.map((g) => (
                  <tr key={g.group ?? ""} data-group={g.group ?? ""}>
                    <th scope="row">{g.group ?? <span class="muted">no group</span>}</th>
                    {g.suppressed ? (
                      <td colSpan={2} class="suppressed">
                        Suppressed: fewer than {num(data.k)} devices
                      </td>
                    ) : (
                      <>
                        <td class="num">
                          {num(g.acknowledged)} of {num(g.active)}
                        </td>
                        <td>
                          <div class="coverage">
                            <Bar
                              value={g.acknowledged ?? 0}
                              max={g.active ?? 0}
                              label={pct(g.acknowledged, g.active)}
                            />
                            <span class="num">{pct(g.acknowledged, g.active)}</span>
                          </div>
                        </td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>

      <div class="columns">
        <section class="card" aria-labelledby="funnel-title">
          <h3 id="funnel-title">What people did with the nudge (v{data.policyVersion})</h3>
          {funnelTotal === 0 ? (
            <Empty title="No nudges yet">
              <p>No device has shown a nudge under this version.</p>
            </Empty>
          ) : (
            <>
              <BarChart
                label="Nudge funnel"
                labels={FUNNEL.map(([, label]) => label)}
                values={FUNNEL.map(([key]) => data.funnel[key] ?? 0)}
              />
              <table class="data compact" data-testid="funnel">
                <tbody>
                  {FUNNEL.map(([key, label]) => (
                    <tr key={key} data-event={key}>
                      <th scope="row">{label}</th>
                      <td class="num">{num(data.funnel[key] ?? 0)}</td>
                      <td class="num muted">
                        {key === "nudge_shown" ? "" : pct(data.funnel[key], data.funnel.nudge_shown)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
        <section class="card" aria-labelledby="ack-trend-title">
          <h3 id="ack-trend-title">Nudges and acknowledgements per day</h3>
          {trend.length === 0 ? (
            <p class="muted">No nudges in this period.</p>
          ) : (
            <TrendChart
              label="Nudges shown and acknowledgements per day"
              days={trend.map((d) => d.day)}
              series={[
                { label: "Shown", values: trend.map((d) => d.nudge_shown), color: COLORS.blue },
                { label: "Acknowledged", values: trend.map((d) => d.acknowledged), color: COLORS.green },
              ]}
            />
          )}
        </section>
      </div>
    </>
  );
}
