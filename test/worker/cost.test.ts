import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BUDGETS } from "../../shared/limits";
import worker from "../../worker/index";
import { counters, enrollmentToken, ORIGIN, today } from "./helpers";

/*
 * What one device costs in D1: the rows each device request writes, metered from the `meta`
 * D1 returns for every statement (the figure Cloudflare bills as rows written). The README's
 * cost estimate rests on these numbers; the budgets keep them from growing unnoticed.
 */
interface Meter {
  rowsWritten: number;
  rowsRead: number;
  /** Statements read through first() or raw(), which return no meta: their rows are not counted. */
  unmetered: number;
}

const INNER = Symbol("inner statement");
type Wrapped = D1PreparedStatement & { [INNER]: D1PreparedStatement };

function add(meter: Meter, result: unknown): void {
  const meta = (result as { meta?: { rows_written?: number; rows_read?: number } } | null)?.meta;
  meter.rowsWritten += meta?.rows_written ?? 0;
  meter.rowsRead += meta?.rows_read ?? 0;
}

function wrapStatement(statement: D1PreparedStatement, meter: Meter): Wrapped {
  return new Proxy(statement, {
    get(target, property) {
      if (property === INNER) return target;
      if (property === "bind") return (...values: unknown[]) => wrapStatement(target.bind(...values), meter);
      if (property === "run" || property === "all" || property === "first" || property === "raw") {
        return async (...args: unknown[]) => {
          const method = target[property] as (...a: unknown[]) => Promise<unknown>;
          const result = await method.apply(target, args);
          if (property === "run" || property === "all") add(meter, result);
          else meter.unmetered += 1;
          return result;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Wrapped;
}

function meteredDb(meter: Meter): D1Database {
  return new Proxy(env.DB, {
    get(target, property) {
      if (property === "prepare") return (sql: string) => wrapStatement(target.prepare(sql), meter);
      if (property === "batch") {
        return async (statements: Wrapped[]) => {
          const results = await target.batch(statements.map((statement) => statement[INNER] ?? statement));
          for (const result of results) add(meter, result);
          return results;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function metered(path: string, init: RequestInit): Promise<{ response: Response; meter: Meter }> {
  const meter: Meter = { rowsWritten: 0, rowsRead: 0, unmetered: 0 };
  const response = await worker.fetch(
    new Request(`${ORIGIN}${path}`, init),
    { ...env, DB: meteredDb(meter) },
    createExecutionContext(),
  );
  return { response, meter };
}

function post(body: unknown, token?: string): RequestInit {
  return {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  };
}

describe("D1 rows per device request", () => {
  it("stays within the budgets the cost estimate uses", async () => {
    const enroll = await metered("/api/v1/enroll", post({ token: enrollmentToken() }));
    expect(enroll.response.status).toBe(201);
    const { deviceToken } = (await enroll.response.json()) as { deviceToken: string };
    const day = today();
    const first = counters(day, [
      ["chatgpt", "visit", 2],
      ["chatgpt", "nudge_shown", 1],
      ["chatgpt", "acknowledged", 1],
    ]);
    const firstReport = await metered("/api/v1/reports", post(first, deviceToken));
    expect(firstReport.response.status).toBe(200);
    const grown = counters(day, [
      ["chatgpt", "visit", 3],
      ["chatgpt", "nudge_shown", 1],
      ["chatgpt", "acknowledged", 1],
    ]);
    const growth = await metered("/api/v1/reports", post(grown, deviceToken));
    expect(growth.response.status).toBe(200);
    const resend = await metered("/api/v1/reports", post(grown, deviceToken));
    expect(resend.response.status).toBe(200);

    const auth = { Authorization: `Bearer ${deviceToken}` };
    const policy = await metered("/api/v1/policy", { headers: auth });
    const etag = policy.response.headers.get("ETag") ?? "";
    const unchanged = await metered("/api/v1/policy", { headers: { ...auth, "If-None-Match": etag } });
    expect(unchanged.response.status).toBe(304);

    const figures = {
      enroll: enroll.meter,
      firstReportOfDay: firstReport.meter,
      reportOneCounterGrew: growth.meter,
      resendNothingGrew: resend.meter,
      policyUnchanged: unchanged.meter,
    };
    console.log(`D1 rows per request: ${JSON.stringify(figures)}`);
    expect(firstReport.meter.rowsWritten).toBeGreaterThan(0);
    expect(firstReport.meter.rowsWritten).toBeLessThanOrEqual(BUDGETS.rowsWrittenPerFirstReport);
    expect(growth.meter.rowsWritten).toBeLessThanOrEqual(BUDGETS.rowsWrittenPerReport);
    expect(resend.meter.rowsWritten).toBeLessThanOrEqual(BUDGETS.rowsWrittenPerResend);
    // A policy check that finds nothing new writes nothing.
    expect(unchanged.meter.rowsWritten).toBe(0);
  });
});
