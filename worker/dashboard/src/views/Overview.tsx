import { useResource } from "../api";
import { COLORS, TrendChart } from "../components/charts";
import { Async, Bar, GettingStarted, PageTitle, Stat } from "../components/ui";
import { num, pct, words } from "../format";
import { href } from "../router";
import type { Overview as OverviewData } from "../types";

/** The weekly look: what is in use, by how many devices, and how far the policy has reached. */
export default function Overview() {
  const [overview] = useResource<OverviewData>("/overview");
  return (
    <>
      <PageTitle title="Overview" />
      <Async resource={overview} what="the overview">
        {(data) => (data.enrolledDevices === 0 && data.toolsTotal === 0 ? <GettingStarted /> : <Body data={data} />)}
      </Async>
    </>
  );
}

function Body({ data }: { data: OverviewData }) {
  const ack = data.ackCoverage;
  const topMax = Math.max(0, ...data.topTools.map((t) => t.devices7));
  const catMax = Math.max(0, ...data.topCategories.map((c) => c.devices7));
  const categoryName = new Map(data.topCategories.map((c) => [c.category, c.name]));
  return (
    <>
      <dl class="stats" data-testid="overview-stats">
        <Stat
          label="AI tools discovered"
          value={num(data.toolsTotal)}
          detail={`${num(data.toolsNewThisWeek)} new this week`}
        />
        <Stat
          label="Active devices (7 days)"
          value={num(data.activeDevices7)}
          detail={`used an AI tool, of ${num(data.enrolledDevices)} enrolled`}
        />
        <Stat
          label="Reporting coverage"
          value={pct(data.reportingDevices7, data.enrolledDevices)}
          detail={`${num(data.reportingDevices7)} of ${num(data.enrolledDevices)} enrolled devices reported in 7 days`}
        />
        <Stat
          label={`Acknowledged policy v${ack.policyVersion}`}
          value={pct(ack.acknowledged, ack.active)}
          detail={`${num(ack.acknowledged)} of ${num(ack.active)} active devices`}
        />
      </dl>

      <section class="card" aria-labelledby="trend-title">
        <h3 id="trend-title">Usage, last 30 days</h3>
        {data.trend.length === 0 ? (
          <p class="muted">No usage in the last 30 days.</p>
        ) : (
          <TrendChart
            label="Visits to AI tools and active devices per day"
            days={data.trend.map((d) => d.day)}
            series={[
              { label: "Visits", values: data.trend.map((d) => d.visits), color: COLORS.blue },
              { label: "Devices", values: data.trend.map((d) => d.devices), color: COLORS.orange, right: true },
            ]}
          />
        )}
      </section>

      <div class="columns">
        <section class="card" aria-labelledby="top-tools-title">
          <h3 id="top-tools-title">Top tools by devices (7 days)</h3>
          {data.topTools.length === 0 ? (
            <p class="muted">No tool was used in the last 7 days.</p>
          ) : (
            <table class="ranking">
              <thead>
                <tr>
                  <th scope="col">Tool</th>
                  <th scope="col">Category</th>
                  <th scope="col" class="num">
                    Devices
                  </th>
                  <th scope="col">
                    <span class="sr-only">Share</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.topTools.map((tool) => (
                  <tr key={tool.id} data-tool={tool.id}>
                    <th scope="row">
                      <a href={href(["tools", tool.id])}>{tool.name}</a>
                    </th>
                    <td>{categoryName.get(tool.category) ?? words(tool.category)}</td>
                    <td class="num">{num(tool.devices7)}</td>
                    <td class="bar-cell">
                      <Bar value={tool.devices7} max={topMax} label={`${num(tool.devices7)} devices`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="card" aria-labelledby="top-categories-title">
          <h3 id="top-categories-title">Top categories by devices (7 days)</h3>
          {data.topCategories.length === 0 ? (
            <p class="muted">No category was used in the last 7 days.</p>
          ) : (
            <table class="ranking">
              <thead>
                <tr>
                  <th scope="col">Category</th>
                  <th scope="col" class="num">
                    Devices
                  </th>
                  <th scope="col">
                    <span class="sr-only">Share</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.topCategories.map((category) => (
                  <tr key={category.category} data-category={category.category}>
                    <th scope="row">
                      <a href={href(["inventory"], { category: category.category })}>{category.name}</a>
                    </th>
                    <td class="num">{num(category.devices7)}</td>
                    <td class="bar-cell">
                      <Bar value={category.devices7} max={catMax} label={`${num(category.devices7)} devices`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </>
  );
}
