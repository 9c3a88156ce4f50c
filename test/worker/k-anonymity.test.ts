import { describe, expect, it } from "vitest";
import { admin, counters, enrollInGroup, report, today } from "./helpers";

/*
 * k-anonymity across the whole admin surface: the label of a group smaller than k devices (5)
 * appears nowhere (its devices are merged into "other groups"), in any view or export; a group
 * of k or more is shown with its figures. The two admin-only enrollment views are the
 * exception that proves the rule: the device list withholds the small group's label, and the
 * token list shows the label the admin gave the token, with no usage figures.
 */

const ENDPOINTS = [
  "/me",
  "/overview",
  "/inventory",
  "/tools/chatgpt",
  "/candidates",
  "/awareness",
  "/exceptions",
  "/review-requests",
  "/devices",
  "/audit",
  "/policy",
  "/evidence?format=json",
  "/evidence?format=csv",
  "/evidence?format=html",
];

describe("k-anonymity in every admin endpoint and export", () => {
  it("never names a group below k, and shows a group at k with its figures", async () => {
    const day = today();
    const body = {
      ...counters(day, [
        ["chatgpt", "visit", 2],
        ["chatgpt", "nudge_shown", 1],
        ["chatgpt", "justified", 1],
      ]),
      justifications: [{ day, tool: "chatgpt", reason: "evaluating", policyVersion: 1, n: 1 }],
    };
    const groups = ["TinyTeam", "TinyTeam", ...Array.from({ length: 5 }, () => "BigTeamAlpha")];
    for (const group of groups) {
      const { deviceToken } = await enrollInGroup(group);
      expect((await report(deviceToken, body)).status).toBe(200);
    }
    let sawBig = false;
    for (const path of ENDPOINTS) {
      const response = await admin(path);
      expect(response.status, path).toBe(200);
      const text = await response.text();
      if (text.includes("BigTeamAlpha")) sawBig = true;
      expect(text, path).not.toContain("TinyTeam");
    }
    expect(sawBig).toBe(true);
    // The token list is the admin's own record of the tokens they made.
    expect(await (await admin("/enrollment-tokens")).text()).toContain("TinyTeam");
  });
});
