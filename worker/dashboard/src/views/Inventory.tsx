import type { ComponentChildren } from "preact";
import { INVENTORY_KINDS, REVIEW_STATUSES } from "../../../../shared/events";
import { useResource } from "../api";
import { Sparkline } from "../components/charts";
import { FigureCell, WithheldNote, withheldReason } from "../components/figures";
import { Async, GettingStarted, PageTitle, RiskBadge, SelectField, StatusBadge } from "../components/ui";
import { count, day, num, shortDay, weekOfDay } from "../format";
import { INVENTORY_KIND_NAMES, REVIEW_STATUS_NAMES, RISK_LEVEL_NAMES } from "../labels";
import type { ViewProps } from "../main";
import { href, replaceQuery } from "../router";
import { useMe } from "../session";
import type { InventoryTool } from "../types";
import "./inventory.css";

type SortKey = "name" | "category" | "status" | "risk" | "devices7" | "devices30" | "visits" | "firstSeen" | "lastSeen";

const COLUMNS: Array<{ key: SortKey; label: string; numeric?: boolean }> = [
  { key: "name", label: "Tool" },
  { key: "category", label: "Category" },
  { key: "status", label: "Status" },
  { key: "risk", label: "Risk", numeric: true },
  // No-break spaces keep "7 d" together when a narrow header wraps.
  { key: "devices7", label: "Devices 7\u00a0d", numeric: true },
  { key: "devices30", label: "Devices 30\u00a0d", numeric: true },
  { key: "visits", label: "Visits", numeric: true },
  { key: "firstSeen", label: "First seen" },
  { key: "lastSeen", label: "Last seen" },
];

/** Order of two tools by a column; a withheld figure has no size and goes last either way. */
function compare(a: InventoryTool, b: InventoryTool, key: SortKey, direction: "asc" | "desc"): number {
  const x = a[key];
  const y = b[key];
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
  return direction === "asc" ? order : -order;
}

/** Numbers sort largest first on the first click, words A to Z. */
function defaultDirection(key: SortKey): "asc" | "desc" {
  return COLUMNS.find((c) => c.key === key)?.numeric || key === "firstSeen" || key === "lastSeen" ? "desc" : "asc";
}

export default function Inventory({ route }: ViewProps) {
  const [inventory] = useResource<{ tools: InventoryTool[] }>("/inventory");
  return (
    <>
      <PageTitle title="Inventory">
        <a class="button-link secondary" href="#/candidates">
          Unknown domains to triage
        </a>
      </PageTitle>
      <Async resource={inventory} what="the inventory">
        {(data) => (data.tools.length === 0 ? <GettingStarted /> : <Table tools={data.tools} route={route} />)}
      </Async>
    </>
  );
}

function Table({ tools, route }: { tools: InventoryTool[]; route: ViewProps["route"] }) {
  const { k } = useMe();
  const q = route.query.get("q") ?? "";
  const category = route.query.get("category") ?? "";
  const status = route.query.get("status") ?? "";
  const level = route.query.get("level") ?? "";
  const kind = route.query.get("kind") ?? "";
  const sortParam = route.query.get("sort");
  const sort: SortKey = COLUMNS.some((c) => c.key === sortParam) ? (sortParam as SortKey) : "devices30";
  const dir = route.query.get("dir");
  const direction = dir === "asc" || dir === "desc" ? dir : defaultDirection(sort);

  const categories = [...new Map(tools.map((t) => [t.category, t.categoryName]))].sort((a, b) =>
    a[1].localeCompare(b[1]),
  );
  const needle = q.trim().toLowerCase();
  const shown = tools
    .filter(
      (t) =>
        (!needle || `${t.name} ${t.vendor} ${t.id}`.toLowerCase().includes(needle)) &&
        (!category || t.category === category) &&
        (!status || t.status === status) &&
        (!level || t.level === level) &&
        (!kind || t.kind === kind),
    )
    .sort((a, b) => compare(a, b, sort, direction) || a.name.localeCompare(b.name));

  const withheld = shown.filter((t) => t.withheld).length;
  const setSort = (key: SortKey) => {
    const next = key === sort ? (direction === "asc" ? "desc" : "asc") : defaultDirection(key);
    replaceQuery(route, { sort: key, dir: next });
  };

  return (
    <>
      <form class="filters" aria-label="Filter the inventory" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={q}
            placeholder="Name, vendor or id"
            onInput={(e) => replaceQuery(route, { q: (e.target as HTMLInputElement).value })}
          />
        </label>
        <Select label="Category" value={category} onChange={(v) => replaceQuery(route, { category: v })}>
          {categories.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </Select>
        <Select label="Kind" value={kind} onChange={(v) => replaceQuery(route, { kind: v })}>
          {INVENTORY_KINDS.map((k) => (
            <option key={k} value={k}>
              {INVENTORY_KIND_NAMES[k]}
            </option>
          ))}
        </Select>
        <Select label="Status" value={status} onChange={(v) => replaceQuery(route, { status: v })}>
          {REVIEW_STATUSES.map((s) => (
            <option key={s} value={s}>
              {REVIEW_STATUS_NAMES[s]}
            </option>
          ))}
        </Select>
        <Select label="Risk" value={level} onChange={(v) => replaceQuery(route, { level: v })}>
          {(["high", "medium", "low"] as const).map((l) => (
            <option key={l} value={l}>
              {RISK_LEVEL_NAMES[l]}
            </option>
          ))}
        </Select>
      </form>
      <p class="muted" role="status" data-testid="inventory-count">
        {shown.length === tools.length
          ? count(tools.length, "tool")
          : `${num(shown.length)} of ${count(tools.length, "tool")} match`}
        {withheld > 0 && `, ${num(withheld)} used by fewer than ${num(k)} devices (figures withheld)`}
      </p>
      <div class="table-scroll">
        <table class="data inventory">
          <caption class="sr-only">AI tools in use, sorted by {COLUMNS.find((c) => c.key === sort)?.label}</caption>
          <thead>
            <tr>
              {COLUMNS.map((column) => (
                <th
                  key={column.key}
                  scope="col"
                  class={column.numeric ? "num" : undefined}
                  aria-sort={column.key === sort ? (direction === "asc" ? "ascending" : "descending") : undefined}
                >
                  <button type="button" class="plain sort" onClick={() => setSort(column.key)}>
                    {column.label}
                    <span aria-hidden="true" class="sort-mark">
                      {column.key === sort ? (direction === "asc" ? "▲" : "▼") : ""}
                    </span>
                  </button>
                </th>
              ))}
              <th scope="col">Visits, 30 days</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((tool) => (
              <Row key={`${tool.kind}:${tool.id}`} tool={tool} />
            ))}
          </tbody>
        </table>
      </div>
      {shown.some((t) => t.devices7 === null || t.devices30 === null || t.visits === null) && <WithheldNote />}
      {shown.length === 0 && <p class="empty-inline">No tool matches these filters.</p>}
    </>
  );
}

/**
 * One tool. A tool fewer than k devices ever used stays listed (the security team must know
 * it is in use) and says why its figures are withheld; its days are the weeks they fall in.
 */
function Row({ tool }: { tool: InventoryTool }) {
  const { k } = useMe();
  const seen = (value: string) => (tool.withheld ? weekOfDay(value) : shortDay(value));
  const known = tool.trend.filter((v): v is number => v !== null);
  return (
    <tr data-tool={tool.id} data-kind={tool.kind} class={tool.withheld ? "withheld-row" : undefined}>
      <th scope="row">
        <a href={href(["tools", tool.id])}>{tool.name}</a>
        <span class="vendor">{tool.vendor}</span>
        <span class="kind">{INVENTORY_KIND_NAMES[tool.kind]}</span>
        {tool.sites && tool.sites.length > 0 && (
          <span class="sites">
            in {tool.sites.map((site) => `${site.site} (${count(site.devices, "device")})`).join(", ")}
          </span>
        )}
      </th>
      <td class="category">{tool.categoryName}</td>
      <td>
        <StatusBadge status={tool.status} />
      </td>
      <td class="num">
        <RiskBadge level={tool.level} risk={tool.risk} />
      </td>
      {tool.withheld ? (
        // One cell for the three figures: one reason, not three withheld numbers.
        <td colSpan={3} class="withheld-span">
          <span class="withheld" title={withheldReason(k)}>
            fewer than {num(k)} devices: figures withheld
          </span>
        </td>
      ) : (
        <>
          <FigureCell value={tool.devices7} />
          <FigureCell value={tool.devices30} />
          <FigureCell value={tool.visits} />
        </>
      )}
      <td title={day(tool.firstSeen)}>{seen(tool.firstSeen)}</td>
      <td title={day(tool.lastSeen)}>{seen(tool.lastSeen)}</td>
      <td>
        {known.length === 0 && tool.trend.some((v) => v === null) ? (
          <span class="muted small">withheld</span>
        ) : (
          <Sparkline
            values={tool.trend}
            label={`${tool.name}: ${count(
              known.reduce((a, b) => a + b, 0),
              "visit",
            )} in 30 days${known.length < tool.trend.length ? ", some days withheld" : ""}`}
          />
        )}
      </td>
    </tr>
  );
}

function Select({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ComponentChildren;
}) {
  return (
    <SelectField label={label} value={value} onChange={onChange}>
      <option value="">All</option>
      {children}
    </SelectField>
  );
}
