import { useResource } from "../api";
import { COLORS, TrendChart } from "../components/charts";
import { Bar, Figure, OfFigure, Share, Stat, WithheldNote } from "../components/figures";
import { Async, GettingStarted, PageTitle, TableHead } from "../components/ui";
import { count, num, words } from "../format";
import { href } from "../router";
import { useCanEdit } from "../session";
import type { Devices, Overview as OverviewData } from "../types";
import { Storage } from "./overview/Storage";

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
  const withheld =
    [data.activeDevices7, data.enrolledDevices, data.reportingDevices7, ack.acknowledged, ack.active].includes(null) ||
    data.trend.some((d) => d.visits === null || d.devices === null);
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
          value={<Figure value={data.activeDevices7} />}
          detail={
            <>
              used an AI tool, of <Figure value={data.enrolledDevices} /> enrolled
            </>
          }
        />
        <Stat
          label="Reporting coverage"
          value={<Share part={data.reportingDevices7} whole={data.enrolledDevices} />}
          detail={
            <>
              <OfFigure part={data.reportingDevices7} whole={data.enrolledDevices} /> enrolled devices reported in 7
              days
            </>
          }
        />
        <Stat
          label={`Acknowledged policy v${ack.policyVersion}`}
          value={<Share part={ack.acknowledged} whole={ack.active} />}
          detail={
            <>
              <OfFigure part={ack.acknowledged} whole={ack.active} /> active devices
            </>
          }
        />
        <FlaggedStat />
      </dl>
      {withheld && <WithheldNote />}

      <section class="card" aria-labelledby="trend-title">
        <h3 id="trend-title">Usage, last 30 days</h3>
        {data.trend.every((d) => d.visits === 0 && d.devices === 0) ? (
          <p class="muted">No usage in the last 30 days.</p>
        ) : (
          <TrendChart
            label="Visits to AI tools and reporting devices per day"
            days={data.trend.map((d) => d.day)}
            series={[
              { label: "Visits", values: data.trend.map((d) => d.visits), color: COLORS.blue },
              { label: "Devices", values: data.trend.map((d) => d.devices), color: COLORS.orange, right: true },
            ]}
          />
        )}
      </section>

      <div class="columns">
        <Ranking
          of="tool"
          rows={data.topTools.map((tool) => ({
            key: tool.id,
            name: tool.name,
            link: href(["tools", tool.id]),
            devices: tool.devices7,
            category: data.topCategories.find((c) => c.category === tool.category)?.name ?? words(tool.category),
          }))}
        />
        <Ranking
          of="category"
          rows={data.topCategories.map((category) => ({
            key: category.category,
            name: category.name,
            link: href(["inventory"], { category: category.category }),
            devices: category.devices7,
          }))}
        />
      </div>

      <Storage storage={data.storage} />
    </>
  );
}

/** Flagged devices waiting for review: admins only, since the device list is theirs. */
function FlaggedStat() {
  const canEdit = useCanEdit();
  const [devices] = useResource<Devices>(canEdit ? "/devices?flagged=true&limit=1" : null);
  if (!canEdit || devices.kind !== "ready") return null;
  const pending = devices.data.flaggedPending;
  return (
    <Stat
      label="Flagged devices to review"
      value={num(pending)}
      detail={
        <a href={href(["devices"], { flagged: "true" })}>
          {pending === 0 ? "none waiting" : `${count(pending, "device")} kept out of evidence until reviewed`}
        </a>
      }
    />
  );
}

interface RankingRow {
  key: string;
  name: string;
  link: string;
  devices: number;
  category?: string;
}

/**
 * The top tools or categories by devices over the last 7 days, with a bar each; only rows of
 * at least k devices reach it. A tool's row also names its category.
 */
function Ranking({ of, rows }: { of: "tool" | "category"; rows: RankingRow[] }) {
  const plural = of === "tool" ? "tools" : "categories";
  const id = `top-${plural}`;
  const title = `Top ${plural} by devices (7 days)`;
  const empty = `No ${of} was used by enough devices in the last 7 days to be shown.`;
  const max = Math.max(0, ...rows.map((row) => row.devices));
  const withCategory = of === "tool";
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      {rows.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <table class="ranking" data-testid={id}>
          <TableHead
            columns={[
              ...(withCategory ? ["Tool", "Category"] : ["Category"]),
              { label: "Devices", num: true },
              { label: "Share", hidden: true },
            ]}
          />
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.key}
                data-tool={withCategory ? row.key : undefined}
                data-category={withCategory ? undefined : row.key}
              >
                <th scope="row">
                  <a href={row.link}>{row.name}</a>
                </th>
                {withCategory && <td>{row.category}</td>}
                <td class="num">{num(row.devices)}</td>
                <td class="bar-cell">
                  <Bar value={row.devices} max={max} label={count(row.devices, "device")} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
