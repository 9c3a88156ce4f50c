import { useEffect, useState } from "preact/hooks";
import { isStale } from "../../../../shared/catalog/facts";
import { REVIEW_STATUSES } from "../../../../shared/events";
import { send, useAction, useResource } from "../api";
import { catalogById, toolsByName } from "../catalog";
import { BarChart, COLORS, TrendChart } from "../components/charts";
import { Figure, Stat, WithheldNote } from "../components/figures";
import {
  Async,
  PageTitle,
  Problem,
  ReadOnlyNote,
  RiskBadge,
  SelectField,
  StatusBadge,
  TableHead,
} from "../components/ui";
import { day, list, num, safeUrl, weekOfDay, when } from "../format";
import { EVENT_NAMES, REVIEW_STATUS_NAMES, tierName } from "../labels";
import type { ViewProps } from "../main";
import { useCanEdit, useMe } from "../session";
import type { EventKind, Fact, Review, ReviewInput, ReviewStatus, ToolDetail, ToolFacts } from "../types";
import "./tool.css";

export default function Tool({ route }: ViewProps) {
  const id = route.segments[1] ?? "";
  const [detail, reload] = useResource<ToolDetail>(`/tools/${encodeURIComponent(id)}`);
  const title = detail.kind === "ready" ? detail.data.tool.name : (catalogById.get(id)?.name ?? id);
  return (
    <>
      <p class="crumbs">
        <a href="#/inventory">Inventory</a> <span aria-hidden="true">›</span>
      </p>
      <PageTitle title={title} />
      <Async resource={detail} what={`the tool "${id}"`}>
        {(data) => <Body data={data} onSaved={reload} />}
      </Async>
    </>
  );
}

function Body({ data, onSaved }: { data: ToolDetail; onSaved: () => void }) {
  const { tool, review } = data;
  const website = safeUrl(tool.vendor.website);
  return (
    <>
      <section class="card tool-head" aria-label="Summary">
        <p class="lead">{tool.description}</p>
        <p class="tags">
          <StatusBadge status={review?.status ?? "unreviewed"} /> <RiskBadge level={tool.level} risk={tool.risk} />{" "}
          <span class="badge">{tool.categoryName}</span>
        </p>
        <p class="muted">
          By{" "}
          {website ? (
            <a href={website} target="_blank" rel="noopener noreferrer">
              {tool.vendor.name}
            </a>
          ) : (
            tool.vendor.name
          )}{" "}
          (headquarters: {tool.vendor.country}) · recognized on{" "}
          {list([...tool.hosts, ...tool.paths.map((p) => `${p.host}${p.prefix}`)])}
        </p>
      </section>

      <div class="columns">
        <section class="card" aria-labelledby="facts-title">
          <h3 id="facts-title">Risk facts from public sources</h3>
          <Facts facts={tool.facts} />
        </section>
        <section class="card" aria-labelledby="review-title">
          <h3 id="review-title">Review</h3>
          <ReviewForm toolId={tool.id} review={review} onSaved={onSaved} />
        </section>
      </div>

      <Usage data={data} />
    </>
  );
}

/** Devices, days seen, the trend and the nudge outcomes, each withheld below k devices. */
function Usage({ data }: { data: ToolDetail }) {
  const { k } = useMe();
  const { tool, usage } = data;
  const seen = (value: string | null) => (usage.withheld ? weekOfDay(value) : day(value));
  const drawn = usage.trend.some((d) => (d.visits ?? 0) > 0 || (d.devices ?? 0) > 0);
  const anyUse = usage.trend.some((d) => d.visits !== 0 || d.devices !== 0);
  const withheldPoints = usage.trend.some((d) => d.visits === null || d.devices === null);
  return (
    <>
      <section class="card" aria-labelledby="usage-title">
        <h3 id="usage-title">Usage</h3>
        {usage.withheld && (
          <p class="callout callout-note" data-testid="tool-withheld">
            Fewer than {num(k)} devices have used {tool.name}, so its figures are withheld and its first and last seen
            show only the week. The tool stays in the inventory so that it can be reviewed.
          </p>
        )}
        <dl class="stats compact">
          <Stat label="Devices, 7 days" value={<Figure value={usage.devices7} />} />
          <Stat label="Devices, 30 days" value={<Figure value={usage.devices30} />} />
          <Stat label="First seen" value={seen(usage.firstSeen)} />
          <Stat label="Last seen" value={seen(usage.lastSeen)} />
        </dl>
        {!anyUse ? (
          <p class="muted">No device has reported this tool in the last 30 days.</p>
        ) : !drawn ? (
          <p class="muted" data-testid="trend-withheld">
            Every day of the last 30 covers fewer than {num(k)} devices, so the daily figures are withheld.
          </p>
        ) : (
          <TrendChart
            label={`Visits to ${tool.name} and devices per day`}
            days={usage.trend.map((d) => d.day)}
            series={[
              { label: "Visits", values: usage.trend.map((d) => d.visits), color: COLORS.blue },
              { label: "Devices", values: usage.trend.map((d) => d.devices), color: COLORS.orange, right: true },
            ]}
          />
        )}
        {(withheldPoints || usage.devices7 === null || usage.devices30 === null) && <WithheldNote />}
      </section>

      <section class="card" aria-labelledby="outcomes-title">
        <h3 id="outcomes-title">Nudge outcomes</h3>
        {usage.withheld ? (
          <p class="muted">
            Withheld: fewer than {num(k)} devices have used {tool.name}.
          </p>
        ) : (
          <Outcomes events={usage.events} name={tool.name} />
        )}
      </section>
    </>
  );
}

const OUTCOMES: EventKind[] = [
  "nudge_shown",
  "acknowledged",
  "dismissed",
  "justified",
  "redirected",
  "left",
  "blocked",
  "review_requested",
  "nudge_tampered",
];

function Outcomes({ events, name }: { events: Partial<Record<EventKind, number>>; name: string }) {
  const total = OUTCOMES.reduce((sum, kind) => sum + (events[kind] ?? 0), 0);
  if (total === 0) return <p class="muted">No nudge has been shown for {name} yet.</p>;
  return (
    <div class="outcomes">
      <BarChart
        label={`Nudge outcomes for ${name}`}
        labels={OUTCOMES.map((kind) => EVENT_NAMES[kind])}
        values={OUTCOMES.map((kind) => events[kind] ?? 0)}
      />
      <table class="data compact" data-testid="outcomes">
        <tbody>
          {OUTCOMES.map((kind) => (
            <tr key={kind} data-event={kind}>
              <th scope="row">{EVENT_NAMES[kind]}</th>
              <td class="num">{num(events[kind] ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function yesNo(value: boolean | "unstated"): string {
  return value === "unstated" ? "the checked terms do not say" : value ? "yes" : "no";
}

/** One line per catalog fact: what it says, where it says so, and when that was checked. */
function Facts({ facts }: { facts: ToolFacts }) {
  const rows: Array<[string, string, Fact<unknown>]> = [];
  if (facts.trainsOnUserData) {
    const tiers = Object.entries(facts.trainsOnUserData.value);
    rows.push([
      "Trains on what users enter",
      tiers.map(([tier, trains]) => `${tierName(tier)}: ${yesNo(trains)}`).join(", "),
      facts.trainsOnUserData,
    ]);
  }
  if (facts.retention) rows.push(["Retention", facts.retention.value, facts.retention]);
  if (facts.dataRegion) rows.push(["Data region", facts.dataRegion.value.join(", "), facts.dataRegion]);
  if (facts.certifications) {
    rows.push([
      "Certifications",
      facts.certifications.value.length ? facts.certifications.value.join(", ") : "none published",
      facts.certifications,
    ]);
  }
  if (facts.sso) rows.push(["Single sign-on", yesNo(facts.sso.value), facts.sso]);
  if (facts.enterprisePlan) rows.push(["Enterprise plan", yesNo(facts.enterprisePlan.value), facts.enterprisePlan]);
  if (rows.length === 0) {
    return (
      <p class="muted">
        Not yet reviewed by the catalog: it holds no checked facts for this tool, so its risk score is an estimate from
        the kind of tool.
      </p>
    );
  }
  return (
    <table class="data facts">
      <TableHead columns={["Fact", "Value", "Source"]} />
      <tbody>
        {rows.map(([label, value, fact]) => {
          const source = safeUrl(fact.source);
          return (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{value}</td>
              <td>
                {source ? (
                  <a href={source} target="_blank" rel="noopener noreferrer">
                    {new URL(source).hostname}
                  </a>
                ) : (
                  fact.source
                )}
                <span class="muted small checked">checked {day(fact.checked)}</span>
                {isStale(fact.checked, new Date().toISOString().slice(0, 10)) ? (
                  <span class="badge stale">stale</span>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The form's fields as typed; empty text means "not set". */
type ReviewDraft = { status: ReviewStatus; agreement: boolean } & Record<
  "owner" | "notes" | "conditions" | "nextReview" | "alternative",
  string
>;

function ReviewForm({ toolId, review, onSaved }: { toolId: string; review: Review | null; onSaved: () => void }) {
  const canEdit = useCanEdit();
  const initial = (): ReviewDraft => ({
    status: review?.status ?? "unreviewed",
    owner: review?.owner ?? "",
    notes: review?.notes ?? "",
    conditions: review?.conditions ?? "",
    nextReview: review?.nextReview ?? "",
    alternative: review?.alternative ?? "",
    agreement: review?.agreement ?? false,
  });
  const [draft, setDraft] = useState<ReviewDraft>(initial);
  const { busy, error, run } = useAction(onSaved);
  const saving = busy !== null;
  const [saved, setSaved] = useState(false);
  // A reload after saving brings the stored review: show what the server holds.
  useEffect(() => setDraft(initial()), [review]);

  const set = (field: keyof ReviewDraft) => (value: Event | string) => {
    setSaved(false);
    setDraft({ ...draft, [field]: typeof value === "string" ? value : (value.target as HTMLInputElement).value });
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    // The PUT replaces the whole review: an empty field is sent as null and cleared.
    const body: ReviewInput = { status: draft.status, agreement: draft.agreement };
    for (const key of ["owner", "notes", "conditions", "nextReview", "alternative"] as const) {
      body[key] = draft[key].trim() || null;
    }
    const stored = await run(() => send<Review>("PUT", `/tools/${encodeURIComponent(toolId)}/review`, body));
    if (stored) setSaved(true);
  };

  return (
    <form class="form review-form" onSubmit={submit} aria-label="Review of this tool">
      <ReadOnlyNote action="change a review" />
      <fieldset disabled={!canEdit || saving}>
        <SelectField label="Status" name="status" value={draft.status} onChange={set("status")}>
          {REVIEW_STATUSES.map((status: ReviewStatus) => (
            <option key={status} value={status}>
              {REVIEW_STATUS_NAMES[status]}
            </option>
          ))}
        </SelectField>
        <label>
          Owner
          <input type="text" name="owner" value={draft.owner} onInput={set("owner")} maxLength={200} />
        </label>
        <label>
          Conditions of use
          <textarea name="conditions" rows={2} value={draft.conditions} onInput={set("conditions")} />
        </label>
        <label>
          Notes
          <textarea name="notes" rows={3} value={draft.notes} onInput={set("notes")} />
        </label>
        <label class="inline">
          <input
            type="checkbox"
            name="agreement"
            checked={draft.agreement}
            onChange={(event) => {
              setSaved(false);
              setDraft({ ...draft, agreement: (event.target as HTMLInputElement).checked });
            }}
          />{" "}
          We have an enterprise agreement for this tool: nudges speak of the enterprise plan's terms, not a personal
          account's
        </label>
        <div class="row">
          <label>
            Next review
            <input type="date" name="nextReview" value={draft.nextReview} onInput={set("nextReview")} />
          </label>
          <SelectField
            label="Approved alternative"
            name="alternative"
            value={draft.alternative}
            onChange={set("alternative")}
          >
            <option value="">None</option>
            {toolsByName
              .filter((t) => t.id !== toolId)
              .map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
          </SelectField>
        </div>
        <div class="actions">
          <button type="submit">{saving ? "Saving…" : "Save review"}</button>
          {saved && (
            <span role="status" class="ok">
              Saved. Devices receive the new status with their next policy fetch.
            </span>
          )}
        </div>
      </fieldset>
      <Problem error={error} />
      {review && (
        <p class="muted small">
          Last changed {when(review.updatedAt)} by {review.updatedBy}.
        </p>
      )}
    </form>
  );
}
