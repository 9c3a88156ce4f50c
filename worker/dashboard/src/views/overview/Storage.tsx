import { LIMITS } from "../../../../../shared/limits";
import { COLORS, TrendChart } from "../../components/charts";
import { Bar, Stat } from "../../components/figures";
import { bytes, count, day, num, pct, todayUtc } from "../../format";
import type { Overview } from "../../types";
import "./storage.css";
import { storageOutlook } from "./storage";

/** Days of headroom below which the outlook reads as a warning. */
const WARN_DAYS = 180;

/** The database's size, what drives it and its growth against D1's cap. */
export function Storage({ storage }: { storage: Overview["storage"] }) {
  const cap = LIMITS.d1MaxDatabaseBytes;
  const outlook = storageOutlook(storage.bytes, storage.history, todayUtc(), cap);
  const warn = outlook.used >= 0.8 || (outlook.daysLeft !== null && outlook.daysLeft < WARN_DAYS);
  return (
    <section class="card storage" aria-labelledby="storage-title" data-testid="storage">
      <h3 id="storage-title">Database size</h3>
      <dl class="stats compact">
        <Stat
          label="Size now"
          value={bytes(storage.bytes)}
          detail={
            <>
              {pct(storage.bytes, cap)} of D1's {bytes(cap)} cap
              <Bar value={storage.bytes} max={cap} label={`${pct(storage.bytes, cap)} of the cap in use`} />
            </>
          }
        />
        <Stat
          label="Counter rows"
          value={num(storage.counterRows)}
          detail={`one per device, day, tool and event${storage.counterRowsDay ? `; counted ${day(storage.counterRowsDay)}` : ""}`}
        />
        <Stat label="Device rows" value={num(storage.devices)} detail="revoked devices included" />
        <Stat
          label="Growth"
          value={outlook.perDay === null ? "–" : `${bytes(Math.max(0, outlook.perDay))} a day`}
          detail={
            outlook.perDay === null
              ? "known once two days are recorded"
              : `over the last ${count(outlook.spanDays, "day")}`
          }
        />
      </dl>
      <p class={warn ? "callout callout-note" : "muted"} data-testid="storage-outlook">
        {outlookText(outlook)}
      </p>
      {storage.history.length > 1 && (
        <TrendChart
          label="Database size per day"
          days={storage.history.map((point) => point.day)}
          series={[{ label: "Size", values: storage.history.map((point) => point.bytes), color: COLORS.purple }]}
          format={bytes}
          cumulative
          height={180}
        />
      )}
    </section>
  );
}

function outlookText(outlook: ReturnType<typeof storageOutlook>): string {
  if (outlook.perDay === null) {
    return "The daily job records the size once a day; the growth and how long the cap lasts show from the second day.";
  }
  if (outlook.daysLeft === null) return "The database did not grow over the recorded days.";
  if (outlook.daysLeft > 3650) return "At this pace the database stays below the cap for more than ten years.";
  return `At this pace the database reaches the cap in about ${count(outlook.daysLeft, "day")} (around ${day(outlook.capDay)}). Retention keeps raw counters for ${count(LIMITS.retentionDays, "day")}; past that, growth should level off.`;
}
