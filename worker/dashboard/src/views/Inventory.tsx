import type { ComponentChildren } from "preact";
import { REVIEW_STATUSES } from "../../../../shared/events";
import { useResource } from "../api";
import { Sparkline } from "../components/charts";
import { Async, GettingStarted, PageTitle, RiskBadge, SelectField, StatusBadge } from "../components/ui";
import { day, num, shortDay, words } from "../format";
import type { ViewProps } from "../main";
import { href, replaceQuery } from "../router";
import type { InventoryTool } from "../types";

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

function compare(a: InventoryTool, b: InventoryTool, key: SortKey): number {
  const x = a[key];
  const y = b[key];
  return typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
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
  const q = route.query.get("q") ?? "";
  const category = route.query.get("category") ?? "";
  const status = route.query.get("status") ?? "";
  const level = route.query.get("level") ?? "";
  const sortParam = route.query.get("sort");
  const sort: SortKey = COLUMNS.some((c) => c.key === sortParam) ? (sortParam as SortKey) : "devices30";
  const dir = route.query.get("dir") === "asc" || route.query.get("dir") === "desc" ? route.query.get("dir") : null;
  const direction = dir ?? defaultDirection(sort);

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
        (!level || t.level === level),
    )
    .sort((a, b) => {
      const order = compare(a, b, sort) || a.name.localeCompare(b.name);
      return direction === "asc" ? order : -order;
    });

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
        <Select label="Status" value={status} onChange={(v) => replaceQuery(route, { status: v })}>
          {REVIEW_STATUSES.map((s) => (
            <option key={s} value={s}>
              {words(s)}
            </option>
          ))}
        </Select>
        <Select label="Risk" value={level} onChange={(v) => replaceQuery(route, { level: v })}>
          {["high", "medium", "low"].map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </Select>
      </form>
      <p class="muted" role="status" data-testid="inventory-count">
        {shown.length === tools.length
          ? `${num(tools.length)} tools`
          : `${num(shown.length)} of ${num(tools.length)} tools match`}
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
                  <button type="button" class="sort" onClick={() => setSort(column.key)}>
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
              <tr key={tool.id} data-tool={tool.id}>
                <th scope="row">
                  <a href={href(["tools", tool.id])}>{tool.name}</a>
                  <span class="vendor">{tool.vendor}</span>
                </th>
                <td>{tool.categoryName}</td>
                <td>
                  <StatusBadge status={tool.status} />
                </td>
                <td class="num">
                  <RiskBadge level={tool.level} risk={tool.risk} />
                </td>
                <td class="num">{num(tool.devices7)}</td>
                <td class="num">{num(tool.devices30)}</td>
                <td class="num">{num(tool.visits)}</td>
                <td title={day(tool.firstSeen)}>{shortDay(tool.firstSeen)}</td>
                <td title={day(tool.lastSeen)}>{shortDay(tool.lastSeen)}</td>
                <td>
                  {tool.trend ? (
                    <Sparkline
                      values={tool.trend}
                      label={`${tool.name}: ${num(tool.trend.reduce((a, b) => a + b, 0))} visits in 30 days`}
                    />
                  ) : (
                    <span class="muted">–</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length === 0 && <p class="empty-inline">No tool matches these filters.</p>}
    </>
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
