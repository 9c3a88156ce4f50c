import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import defaultPolicy from "../../policies/dist/default-policy.json";
import { addDays } from "../../shared/day";
import type { Policy } from "../../shared/policy/schema";
import type { ReportRequest } from "../../shared/protocol";
import { database } from "../../worker/db/client";
import { type LiteracyUse, literacyCounts, relevancePairs } from "../../worker/db/literacy";
import { reviewQueueUsage } from "../../worker/db/review-queue";
import { endOf, periodRows, startOf } from "../../worker/evidence/period";
import { admin, enrollDevice, enrollInGroup, query, report, runCron, today } from "./helpers";

/*
 * The period figures read per-device spans (device_tools' counter and visit spans,
 * discovery_spans, devices.last_report_day with one device_days seek) instead of scanning the raw rows of the
 * period. Here both are computed on one seeded database, written by the report route, and
 * must agree for every period: the window ending today, historical periods that spans cross
 * without a row inside, a period ending tomorrow (devices ahead of UTC), single days, after a
 * policy version change and after the retention purge. The scans below are the queries the
 * evidence pack and the awareness view ran before.
 *
 *   Alpha 6 devices: chatgpt on days -80, -40 and -2 (visits, reminders, acknowledgements
 *         under v1, then v2), lessons completed by some
 *   Beta  5 devices: claude visits on day -60 and tomorrow only; perplexity reminders,
 *         blocks and review requests without a visit on day -20
 *   Gamma 2 devices (a group below k): deepl on day -30, one also on day -90 (purged later)
 *   Delta 2 devices: an extension on days -80 and -2, an AI browser on day -60 and tomorrow,
 *         embeds on days -40 and -2; an extension on day -40 and an embed tomorrow
 *   one device revoked after reporting, one device that never reported
 */

const day = today();
const at = (offset: number) => addDays(day, offset);
const policy = defaultPolicy as unknown as Policy;

type Counter = [string, string, number, number?];

function daysReport(days: Array<[string, Counter[]]>, lessons: NonNullable<ReportRequest["lessons"]> = []) {
  return {
    days: days.map(([d, entries]) => ({
      day: d,
      counters: entries.map(([tool, event, n, policyVersion = 1]) => ({
        tool,
        event: event as ReportRequest["days"][number]["counters"][number]["event"],
        policyVersion,
        n,
      })),
    })),
    ...(lessons.length ? { lessons } : {}),
  } as ReportRequest;
}

async function send(token: string, body: ReportRequest): Promise<void> {
  const response = await report(token, body);
  if (response.status !== 200) throw new Error(`report refused: ${await response.text()}`);
}

const acknowledged = (tool: string, version = 1): Counter[] => [
  [tool, "visit", 2, version],
  [tool, "nudge_shown", 1, version],
  [tool, "acknowledged", 1, version],
];

beforeAll(async () => {
  // Policy v2 (the same body) published 25 days ago: later counts carry either version.
  await env.DB.prepare(
    `INSERT INTO policy_versions (version, body, published_at, published_by) VALUES (2, ?1, ?2, 'test')
     ON CONFLICT (version) DO NOTHING`,
  )
    .bind(JSON.stringify({ ...policy, version: 2 }), Date.now() - 25 * 86_400_000)
    .run();
  for (let i = 0; i < 6; i++) {
    const { deviceToken } = await enrollInGroup("Alpha");
    const lessons = (i < 3 ? (["opened", "completed"] as const) : []).map((outcome) => ({
      day: at(-40),
      lesson: "chat-assistants",
      version: 1,
      outcome,
      n: 1,
    }));
    await send(deviceToken, daysReport([[at(-80), acknowledged("chatgpt")]]));
    await send(deviceToken, daysReport([[at(-40), [["chatgpt", "visit", 1 + i]]]], lessons));
    if (i % 2 === 0) await send(deviceToken, daysReport([[at(-2), acknowledged("chatgpt", 2)]]));
  }
  for (let i = 0; i < 5; i++) {
    const { deviceToken } = await enrollInGroup("Beta");
    await send(deviceToken, daysReport([[at(-60), [["claude", "visit", 1]]]]));
    await send(
      deviceToken,
      daysReport([
        [
          at(-20),
          [
            ["perplexity", "nudge_shown", 2],
            ["perplexity", "acknowledged", 1],
            ["perplexity", "blocked", 1],
            ...(i < 2 ? ([["perplexity", "review_requested", 1]] as Counter[]) : []),
          ],
        ],
      ]),
    );
    if (i < 3) await send(deviceToken, daysReport([[at(1), [["claude", "visit", 1, 2]]]]));
  }
  for (let i = 0; i < 2; i++) {
    const { deviceToken } = await enrollInGroup("Gamma");
    if (i === 0) await send(deviceToken, daysReport([[at(-90), [["deepl", "visit", 1]]]]));
    await send(deviceToken, daysReport([[at(-30), acknowledged("deepl")]]));
  }
  // Discovery: extension and browser spans that cross periods without a row inside, and embeds
  // on two sites, one of them tomorrow.
  const discovery = [
    {
      extensions: [at(-80), at(-2)].map((d) => ({ day: d, extension: "page-assist", enabled: true })),
      browsers: [at(-60), at(1)].map((d) => ({ day: d, browser: "comet" })),
      embeds: [
        { day: at(-40), site: "example.com", tool: "openai-platform", n: 3 },
        { day: at(-40), site: "example.net", tool: "openai-platform", n: 1 },
        { day: at(-2), site: "example.com", tool: "openai-platform", n: 2 },
      ],
    },
    {
      extensions: [{ day: at(-40), extension: "page-assist", enabled: false }],
      embeds: [{ day: at(1), site: "example.com", tool: "openai-platform", n: 1 }],
    },
  ];
  for (const sections of discovery) {
    const { deviceToken } = await enrollInGroup("Delta");
    await send(deviceToken, { days: [], ...sections } as ReportRequest);
  }
  const revoked = await enrollDevice();
  await send(revoked.deviceToken, daysReport([[at(-10), [["chatgpt", "visit", 3]]]]));
  const revoke = await admin(`/devices/${revoked.deviceId}/revoke`, { method: "POST" });
  if (revoke.status !== 200) throw new Error(`revoke: ${revoke.status} ${await revoke.text()}`);
  await enrollDevice();
});

const COUNTED = "NOT EXISTS (SELECT 1 FROM device_flags f WHERE f.device_id = d.id AND f.state <> 'kept')";

/** The fleet, coverage by group and tools used of a period, as scans of the raw rows. */
async function scannedPeriod(from: string, to: string, version: number) {
  const [fleet, groups, tools] = await Promise.all([
    query(
      `SELECT count(*) AS enrolled, count(a.device_id) AS reporting
       FROM devices d
       LEFT JOIN (SELECT DISTINCT device_id FROM device_days WHERE day BETWEEN ?1 AND ?2) a ON a.device_id = d.id
       WHERE d.enrolled_at <= ?3 AND (d.revoked_at IS NULL OR d.revoked_at >= ?4) AND ${COUNTED}`,
      from,
      to,
      endOf(to),
      startOf(from),
    ),
    query(
      `SELECT d.group_label AS "group", count(*) AS active, count(k.device_id) AS acknowledged
       FROM (SELECT DISTINCT device_id FROM device_days WHERE day BETWEEN ?1 AND ?2) a
       JOIN devices d ON d.id = a.device_id
       LEFT JOIN device_events k ON k.device_id = a.device_id AND k.policy_version = ?3
         AND k.event = 'acknowledged' AND k.first_day <= ?2
       WHERE ${COUNTED}
       GROUP BY d.group_label`,
      from,
      to,
      version,
    ),
    query(
      `SELECT r.tool, coalesce(c.devices, 0) AS devices
       FROM (SELECT DISTINCT tool FROM daily_rollups WHERE day BETWEEN ?1 AND ?2 AND event = 'visit') r
       LEFT JOIN (SELECT tool, count(DISTINCT device_id) AS devices FROM daily_counters
                  WHERE day BETWEEN ?1 AND ?2 GROUP BY tool) c ON c.tool = r.tool`,
      from,
      to,
    ),
  ]);
  const discovered = await query(
    `SELECT 'extension' AS kind, extension AS tool, count(DISTINCT device_id) AS devices FROM device_extensions
       WHERE day BETWEEN ?1 AND ?2 GROUP BY extension
     UNION ALL SELECT 'browser', browser, count(DISTINCT device_id) FROM device_browsers
       WHERE day BETWEEN ?1 AND ?2 GROUP BY browser
     UNION ALL SELECT 'embedded', tool, count(DISTINCT device_id) FROM embeds
       WHERE day BETWEEN ?1 AND ?2 GROUP BY tool`,
    from,
    to,
  );
  return { fleet, groups, tools, discovered };
}

/** Literacy coverage as three statements over a scan of the raw counters (periods) or device_tools (recent). */
async function scannedLiteracy(pairs: string[][], use: LiteracyUse) {
  const unflagged = COUNTED;
  const used =
    use.kind === "recent"
      ? `SELECT t.device_id, t.tool FROM device_tools t JOIN devices d ON d.id = t.device_id
         WHERE t.last_seen >= ?2 AND d.revoked_at IS NULL AND d.last_report_day >= ?2 AND ${unflagged}`
      : `SELECT DISTINCT c.device_id, c.tool FROM daily_counters c JOIN devices d ON d.id = c.device_id
         WHERE c.day BETWEEN ?2 AND ?3 AND c.event = 'visit' AND ${unflagged}`;
  const [from, to] = use.kind === "recent" ? [use.since, use.until] : [use.from, use.to];
  const common = `WITH fit(tool, lesson) AS (
      SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1)),
    used AS (SELECT DISTINCT u.device_id, f.lesson FROM (${used}) u JOIN fit f ON f.tool = u.tool),
    done AS (SELECT DISTINCT device_id, lesson FROM device_lessons WHERE outcome = 'completed' AND first_day <= ?3)`;
  const run = (statement: string) =>
    query<Record<string, unknown>>(`${common} ${statement}`, JSON.stringify(pairs), from, to);
  const [groups, lessons, versions] = await Promise.all([
    run(`SELECT d.group_label AS "group", count(*) AS users, sum(p.done = p.needed) AS covered
         FROM (SELECT u.device_id, count(*) AS needed, count(c.device_id) AS done FROM used u
               LEFT JOIN done c ON c.device_id = u.device_id AND c.lesson = u.lesson GROUP BY u.device_id) p
         JOIN devices d ON d.id = p.device_id GROUP BY d.group_label`),
    run(`SELECT u.lesson, count(*) AS users, count(c.device_id) AS completed FROM used u
         LEFT JOIN done c ON c.device_id = u.device_id AND c.lesson = u.lesson GROUP BY u.lesson`),
    run(`SELECT u.lesson, l.version, l.outcome, count(*) AS devices FROM used u
         JOIN device_lessons l ON l.device_id = u.device_id AND l.lesson = u.lesson
         WHERE l.outcome IN ('completed', 'passed_first_try') AND l.first_day <= ?3
         GROUP BY u.lesson, l.version, l.outcome`),
  ]);
  return {
    groups: groups.map((row) => ({ group: row.group ?? null, users: Number(row.users), covered: Number(row.covered) })),
    lessons: new Map(
      lessons.map((row) => [String(row.lesson), { users: Number(row.users), completed: Number(row.completed) }]),
    ),
    versions: versions.map((row) => ({
      lesson: String(row.lesson),
      version: Number(row.version),
      outcome: String(row.outcome),
      devices: Number(row.devices),
    })),
  };
}

const byKey = <T>(rows: T[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const plain = <T>(rows: T[]) => byKey(rows.map((row) => JSON.parse(JSON.stringify(row)) as T));

async function expectPeriodsAgree(periods: Array<[string, string]>) {
  const pairs = relevancePairs(policy, {});
  for (const [from, to] of periods) {
    for (const version of [1, 2]) {
      const scanned = await scannedPeriod(from, to, version);
      const [fleet, groups, , tools, , , , , discovered] = await periodRows(env.DB, from, to, version);
      expect(plain(fleet), `fleet ${from}..${to}`).toEqual(plain(scanned.fleet));
      expect(plain(discovered), `discovered ${from}..${to}`).toEqual(plain(scanned.discovered));
      expect(plain(groups), `groups ${from}..${to} v${version}`).toEqual(plain(scanned.groups));
      expect(plain(tools), `tools ${from}..${to}`).toEqual(plain(scanned.tools));
    }
    const use: LiteracyUse = { kind: "period", from, to };
    const [spans, scans] = [await literacyCounts(env.DB, pairs, use), await scannedLiteracy(pairs, use)];
    expect(plain(spans.groups), `literacy groups ${from}..${to}`).toEqual(plain(scans.groups));
    expect([...spans.lessons].sort(), `literacy lessons ${from}..${to}`).toEqual([...scans.lessons].sort());
    expect(plain(spans.versions), `literacy versions ${from}..${to}`).toEqual(plain(scans.versions));
  }
}

/** Periods around every seeded day: inside, crossing without a row, ending tomorrow, single days. */
function periods(oldest: number): Array<[string, string]> {
  return [
    [at(-89), day],
    [at(-89), at(1)],
    [at(-50), at(-10)],
    [at(-59), at(-41)],
    [at(-45), at(-35)],
    [at(-39), at(-3)],
    [at(-2), day],
    [day, day],
    [at(1), at(1)],
    [at(-20), at(-20)],
    [at(oldest), at(oldest)],
    [at(oldest), at(-61)],
  ];
}

describe("period figures from per-device spans", () => {
  it("keep each device and tool's counter and visit spans as the raw rows have them", async () => {
    const rows = await query<Record<string, string | null>>(
      `SELECT t.device_id, t.tool, t.counted_first, t.counted_last, t.visit_first, t.visit_last,
         (SELECT min(day) FROM daily_counters c WHERE c.device_id = t.device_id AND c.tool = t.tool) AS c_first,
         (SELECT max(day) FROM daily_counters c WHERE c.device_id = t.device_id AND c.tool = t.tool) AS c_last,
         (SELECT min(day) FROM daily_counters c WHERE c.device_id = t.device_id AND c.tool = t.tool AND c.event = 'visit') AS v_first,
         (SELECT max(day) FROM daily_counters c WHERE c.device_id = t.device_id AND c.tool = t.tool AND c.event = 'visit') AS v_last
       FROM device_tools t`,
    );
    expect(rows.length).toBe(22);
    for (const row of rows) {
      expect([row.counted_first, row.counted_last, row.visit_first, row.visit_last]).toEqual([
        row.c_first,
        row.c_last,
        row.v_first,
        row.v_last,
      ]);
    }
    // Reminders without a visit: a counter span and no visit span.
    expect(
      rows.some((row) => row.tool === "perplexity" && row.counted_first !== null && row.visit_first === null),
    ).toBe(true);
  });

  it("are backfilled by the migration from the stored counters", async () => {
    const before = await query("SELECT * FROM device_tools ORDER BY device_id, tool");
    await env.DB.exec(
      "UPDATE device_tools SET counted_first = NULL, counted_last = NULL, visit_first = NULL, visit_last = NULL",
    );
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.includes("tool_spans"));
    const backfill = migration?.queries.find((q) => q.includes("UPDATE `device_tools`"));
    if (!backfill) throw new Error("the migration that adds the tool spans has no backfill");
    await env.DB.prepare(backfill).run();
    expect(await query("SELECT * FROM device_tools ORDER BY device_id, tool")).toEqual(before);
  });

  it("keep each device's extension, browser and embedded tool spans as the raw rows have them, backfilled alike", async () => {
    const raw = `SELECT 'extension' AS kind, extension AS item, device_id, min(day) AS first_day, max(day) AS last_day
        FROM device_extensions GROUP BY extension, device_id
      UNION ALL SELECT 'browser', browser, device_id, min(day), max(day) FROM device_browsers GROUP BY browser, device_id
      UNION ALL SELECT 'embedded', tool, device_id, min(day), max(day) FROM embeds GROUP BY tool, device_id`;
    const stored = "SELECT kind, item, device_id, first_day, last_day FROM discovery_spans";
    const spans = plain(await query(stored));
    expect(spans.length).toBe(5);
    expect(spans).toEqual(plain(await query(raw)));
    await env.DB.exec("DELETE FROM discovery_spans");
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.includes("discovery_spans"));
    const backfill = migration?.queries.filter((q) => q.includes("INSERT INTO `discovery_spans`")) ?? [];
    expect(backfill.length).toBe(3);
    for (const statement of backfill) await env.DB.prepare(statement).run();
    expect(plain(await query(stored))).toEqual(spans);
  });

  it("equal the scans for every period, both policy versions, literacy included", async () => {
    await expectPeriodsAgree(periods(-90));
    // Some of them must differ between periods, or the comparison proves little.
    const [wide] = await periodRows(env.DB, at(-89), day, 1);
    const [narrow] = await periodRows(env.DB, at(-45), at(-35), 1);
    expect(wide[0]?.reporting).not.toBe(narrow[0]?.reporting);
  });

  it("equal the scans for recent use in awareness", async () => {
    const pairs = relevancePairs(policy, {});
    const use: LiteracyUse = { kind: "recent", since: at(-29), until: day };
    const [spans, scans] = [await literacyCounts(env.DB, pairs, use), await scannedLiteracy(pairs, use)];
    expect(plain(spans.groups)).toEqual(plain(scans.groups));
    expect([...spans.lessons].sort()).toEqual([...scans.lessons].sort());
    expect(plain(spans.versions)).toEqual(plain(scans.versions));
  });

  it("equal the scans after the retention purge", async () => {
    const purged = await query<{ n: number }>("SELECT count(*) AS n FROM daily_counters WHERE day = ?1", at(-90));
    expect(purged[0]?.n).toBeGreaterThan(0);
    // Two days later the oldest day leaves the window and its raw rows are rolled up.
    await runCron(Date.now() + 2 * 86_400_000);
    expect(await query("SELECT 1 FROM daily_counters WHERE day = ?1", at(-90))).toEqual([]);
    await expectPeriodsAgree(periods(-88));
  });

  it("count review requests from the partial index as the scan does", async () => {
    const scanned = await query<{ tool: string; devices: number }>(
      `SELECT tool, count(DISTINCT device_id) AS devices FROM daily_counters WHERE event = ?1 GROUP BY tool`,
      "review_requested",
    );
    const usage = await reviewQueueUsage(database(env.DB));
    expect(usage.map((row) => ({ tool: row.tool, devices: row.devices }))).toEqual(
      scanned.map((row) => ({ tool: row.tool, devices: row.devices })),
    );
    const plan = await database(env.DB).all<{ detail: string }>(
      sql`EXPLAIN QUERY PLAN SELECT tool, count(DISTINCT device_id) FROM daily_counters WHERE event = 'review_requested' GROUP BY tool`,
    );
    expect(plan.map((row) => row.detail).join(" ")).toContain("daily_counters_review_requests");
  });
});
