import { afterAll, describe, expect, it } from "vitest";
import type {
  EnrollmentTokensResponse,
  ExceptionsResponse,
  InventoryResponse,
  PolicyListResponse,
} from "../../shared/admin";
import { addDays, dayOf } from "../../shared/day";
import { DEMO_DAYS, DEMO_VERSIONS, DEPARTMENTS } from "../../worker/dev/demo-organization";
import { type DemoPlan, planDemo, seedDemo } from "../../worker/dev/demo-seed";
import { adminGet, type Stack, startStack } from "./harness";

/*
 * `npm run demo`'s organization: the full plan is what the README advertises (checked without
 * a worker, it only computes), and a smaller organization from the same code, sent through the
 * real device API of a local worker, shows up in the worker's views exactly as planned.
 */

const DAY_MS = 86_400_000;

/** Sum of `visit` per tool, and the days counted under each policy version. */
function planned(plan: DemoPlan) {
  const visits = new Map<string, number>();
  const devicesPerTool = new Map<string, number>();
  const versionDays = new Map<number, Set<string>>();
  for (const person of plan.people) {
    for (const report of person.counts.reports()) {
      for (const { day, counters } of report.days) {
        for (const counter of counters) {
          const days = versionDays.get(counter.policyVersion) ?? new Set<string>();
          versionDays.set(counter.policyVersion, days.add(day));
          if (counter.event === "visit") visits.set(counter.tool, (visits.get(counter.tool) ?? 0) + counter.n);
        }
      }
    }
    for (const tool of person.counts.tools) devicesPerTool.set(tool, (devicesPerTool.get(tool) ?? 0) + 1);
  }
  return { visits, devicesPerTool, versionDays };
}

describe("the demo organization", () => {
  let stack: Stack | undefined;
  afterAll(async () => {
    await stack?.close();
  });

  it("is what the README advertises, and the same on every run", () => {
    const plan = planDemo();
    expect(plan.summary.devices).toBeGreaterThanOrEqual(300);
    expect(Object.keys(plan.summary.groups).length).toBeGreaterThanOrEqual(6);
    expect(plan.summary.tools).toBeGreaterThanOrEqual(40);
    expect(plan.summary.days).toBe(90);
    const { devicesPerTool, versionDays } = planned(plan);
    // A few everyday tools and a long tail.
    const reach = [...devicesPerTool.values()].sort((a, b) => b - a);
    expect(reach.filter((devices) => devices >= 100).length).toBeGreaterThanOrEqual(3);
    expect(reach.filter((devices) => devices < 10).length).toBeGreaterThanOrEqual(10);
    // 90 days, the older ones under v1 only, the last month mostly under v2.
    const firstDay = addDays(plan.today, -(DEMO_DAYS - 1));
    expect([...(versionDays.get(1) ?? [])].sort()[0]).toBe(firstDay);
    const secondFrom = addDays(plan.today, -(DEMO_VERSIONS[1]?.daysAgo ?? 0));
    expect([...(versionDays.get(2) ?? [])].sort()[0]).toBe(secondFrom);
    // The same organization on every run.
    const again = planDemo();
    expect(again.summary).toEqual(plan.summary);
    expect(again.people.map((p) => p.counts.reports())).toEqual(plan.people.map((p) => p.counts.reports()));
  });

  it("reaches the worker through the device API exactly as planned", { timeout: 240_000 }, async () => {
    // As `npm run demo` runs it: reports written before their answer, not queued.
    stack = await startStack({ vars: { INGEST_MODE: "direct" } });
    const scale = 0.15;
    const summary = await seedDemo(stack, { adminToken: stack.tokens.admin, scale });
    const plan = planDemo({ scale });
    expect(summary).toMatchObject(plan.summary);
    const { visits } = planned(plan);

    // Every department enrolled its devices with its own token.
    const { tokens } = await adminGet<EnrollmentTokensResponse>(stack, "/enrollment-tokens");
    for (const department of DEPARTMENTS) {
      const token = tokens.find((t) => t.group === department.name);
      expect(token?.devices, department.name).toBe(plan.summary.groups[department.name]);
    }
    // Every tool reached the inventory, with the visits sent wherever the figure is shown.
    const inventory = await adminGet<InventoryResponse>(stack, "/inventory");
    const web = inventory.tools.filter((tool) => tool.kind === "web");
    expect(web.map((tool) => tool.id).sort()).toEqual([...visits.keys()].sort());
    const shown = web.filter((tool) => tool.visits !== null);
    expect(shown.length).toBeGreaterThan(5);
    for (const tool of shown) expect(tool.visits, tool.id).toBe(visits.get(tool.id));
    expect(inventory.tools.some((tool) => tool.kind === "extension")).toBe(true);
    // Two versions, published 100 and 30 days ago.
    const { versions } = await adminGet<PolicyListResponse>(stack, "/policy");
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    for (const { version, daysAgo } of DEMO_VERSIONS) {
      const published = versions.find((v) => v.version === version)?.publishedAt ?? 0;
      expect(dayOf(published), `v${version}`).toBe(dayOf(Date.now() - daysAgo * DAY_MS));
    }
    // The exceptions asked for most were decided.
    const { exceptions } = await adminGet<ExceptionsResponse>(stack, "/exceptions");
    const decided = exceptions.filter((e) => e.decision !== "pending").map((e) => `${e.tool}/${e.reason}`);
    expect(decided.sort()).toEqual(
      plan.justified
        .slice(0, 3)
        .map(([key]) => key)
        .sort(),
    );
  });
});
