import { describe, expect, it } from "vitest";
import { admin, enrollDevice, report, today } from "./helpers";

/*
 * k-anonymity across the whole admin surface: a group smaller than k devices (5) may appear
 * only as a suppressed row (its name, no figures), in any view or export; a group of k or more
 * is shown with its figures.
 */

/** Every object in a JSON value that names the group. */
function rowsNaming(value: unknown, group: string): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.flatMap((item) => rowsNaming(item, group));
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const own = Object.values(record).includes(group) ? [record] : [];
    return [...own, ...Object.values(record).flatMap((item) => rowsNaming(item, group))];
  }
  return [];
}
const ENDPOINTS = [
  "/me",
  "/overview",
  "/inventory",
  "/tools/chatgpt",
  "/candidates",
  "/awareness",
  "/exceptions",
  "/devices",
  "/enrollment-tokens",
  "/audit",
  "/policy",
  "/evidence?format=json",
  "/evidence?format=csv",
  "/evidence?format=html",
];

describe("k-anonymity in every admin endpoint and export", () => {
  it("shows a group below k only as withheld, and a group at k with its figures", async () => {
    const day = today();
    const body = {
      days: [
        {
          day,
          counters: [
            { tool: "chatgpt", event: "visit", policyVersion: 1, n: 2 },
            { tool: "chatgpt", event: "acknowledged", policyVersion: 1, n: 1 },
          ],
        },
      ],
      justifications: [{ day, tool: "chatgpt", reason: "evaluating", policyVersion: 1, n: 1 }],
    };
    for (const group of [
      "TinyTeam",
      "TinyTeam",
      "BigTeamAlpha",
      "BigTeamAlpha",
      "BigTeamAlpha",
      "BigTeamAlpha",
      "BigTeamAlpha",
    ]) {
      const { deviceToken } = await enrollDevice(group);
      expect((await report(deviceToken, body)).status).toBe(200);
    }
    let sawBig = false;
    for (const path of ENDPOINTS) {
      const response = await admin(path);
      expect(response.status, path).toBe(200);
      const text = await response.text();
      if (text.includes("BigTeamAlpha")) sawBig = true;
      if (!text.includes("TinyTeam")) continue;
      if (path.includes("format=csv") || path.includes("format=html")) {
        for (const line of text.split("\n").filter((l) => l.includes("TinyTeam"))) {
          // The row says it is withheld, and its figure cells are empty.
          expect(line.toLowerCase(), path).toMatch(/withheld|suppressed/);
          if (path.includes("csv")) expect(line, path).toContain(",,");
        }
        continue;
      }
      for (const row of rowsNaming(JSON.parse(text), "TinyTeam")) {
        expect(row.suppressed === true || row.groupSuppressed === true, `${path}: ${JSON.stringify(row)}`).toBe(true);
        const figures = Object.entries(row).filter(([, v]) => typeof v === "number");
        expect(figures, `${path}: ${JSON.stringify(row)}`).toEqual([]);
      }
    }
    expect(sawBig).toBe(true);
  });
});
