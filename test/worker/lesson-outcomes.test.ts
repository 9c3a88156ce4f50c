import { describe, expect, it } from "vitest";
import { addDays } from "../../shared/day";
import { LESSON_OUTCOMES, type LessonOutcome } from "../../shared/lessons/schema";
import { LIMITS, PLAUSIBLE_LESSON_OUTCOMES_PER_DAY } from "../../shared/limits";
import { errorResponse, type LessonCount, reportResponse } from "../../shared/protocol";
import { counters, countRows, enrollDevice, expectJson, query, report, today } from "./helpers";

/* Lesson outcomes in device reports: counts only, plausible, max-merged, all or nothing. */

const LESSON = "chat-assistants";

function outcomes(day: string, entries: Array<[LessonOutcome, number, string?, number?]>): LessonCount[] {
  return entries.map(([outcome, n, lesson = LESSON, version = 1]) => ({ day, lesson, version, outcome, n }));
}

async function refusedReasons(response: Response) {
  const body = await expectJson(response, 422, errorResponse);
  expect(body.code).toBe("report_refused");
  return (body.refused ?? []).map((r) =>
    r.kind === "lesson" ? `${r.lesson}/v${r.version}/${r.outcome}: ${r.reason}` : r.kind,
  );
}

describe("lesson outcomes in reports", () => {
  it("are stored per device and day, and per device as first and last day; re-sends write nothing", async () => {
    const day = today();
    const { deviceId, deviceToken } = await enrollDevice();
    const body = {
      days: [],
      lessons: outcomes(day, [
        ["opened", 2],
        ["completed", 1],
        ["passed_first_try", 1],
      ]),
    };
    expect(await expectJson(await report(deviceToken, body), 200, reportResponse)).toMatchObject({
      accepted: 3,
      changed: 3,
    });
    expect(await expectJson(await report(deviceToken, body), 200, reportResponse)).toMatchObject({
      accepted: 3,
      changed: 0,
    });
    expect(
      await query(
        "select day, lesson, version, outcome, n from lesson_outcomes where device_id = ? order by outcome",
        deviceId,
      ),
    ).toEqual([
      { day, lesson: LESSON, version: 1, outcome: "completed", n: 1 },
      { day, lesson: LESSON, version: 1, outcome: "opened", n: 2 },
      { day, lesson: LESSON, version: 1, outcome: "passed_first_try", n: 1 },
    ]);
    // A later report of an earlier day widens the device's span; lower values never shrink a count.
    const earlier = addDays(day, -3);
    const more = { days: [], lessons: [...outcomes(earlier, [["opened", 1]]), ...outcomes(day, [["opened", 1]])] };
    expect(await expectJson(await report(deviceToken, more), 200, reportResponse)).toMatchObject({
      accepted: 2,
      changed: 1,
    });
    expect(
      await query(
        "select outcome, first_day, last_day from device_lessons where device_id = ? order by outcome",
        deviceId,
      ),
    ).toEqual([
      { outcome: "completed", first_day: day, last_day: day },
      { outcome: "opened", first_day: earlier, last_day: day },
      { outcome: "passed_first_try", first_day: day, last_day: day },
    ]);
    expect(
      await query(
        "select n from lesson_outcomes where device_id = ? and day = ? and outcome = 'opened'",
        deviceId,
        day,
      ),
    ).toEqual([{ n: 2 }]);
    // A report of lessons only is a day the device reported.
    expect(await query("select day from device_days where device_id = ? order by day", deviceId)).toEqual([
      { day: earlier },
      { day },
    ]);
  });

  it("refuses lessons and versions never published, and days outside the window", async () => {
    const day = today();
    const { deviceToken } = await enrollDevice();
    const response = await report(deviceToken, {
      days: [],
      lessons: [
        ...outcomes(day, [["opened", 1, "how-to-cook"]]),
        ...outcomes(day, [["opened", 1, LESSON, 2]]),
        ...outcomes(addDays(day, -(LIMITS.retentionDays + 1)), [["opened", 1]]),
        ...outcomes(addDays(day, 2), [["opened", 1]]),
      ],
    });
    expect(await refusedReasons(response)).toEqual([
      "how-to-cook/v1/opened: unknown_lesson",
      `${LESSON}/v2/opened: unknown_lesson`,
      `${LESSON}/v1/opened: day_out_of_window`,
      `${LESSON}/v1/opened: day_out_of_window`,
    ]);
  });

  it("refuses counts above the daily caps", async () => {
    const { deviceToken } = await enrollDevice();
    const over = LESSON_OUTCOMES.map((outcome): [LessonOutcome, number] => [
      outcome,
      PLAUSIBLE_LESSON_OUTCOMES_PER_DAY[outcome] + 1,
    ]);
    expect(await refusedReasons(await report(deviceToken, { days: [], lessons: outcomes(today(), over) }))).toEqual([
      `${LESSON}/v1/opened: over_cap`,
      `${LESSON}/v1/completed: over_cap`,
      `${LESSON}/v1/passed_first_try: over_cap`,
    ]);
  });

  it("refuses completions without openings and first-try passes without completions, stored values included", async () => {
    const day = today();
    const { deviceId, deviceToken } = await enrollDevice();
    expect(
      await refusedReasons(await report(deviceToken, { days: [], lessons: outcomes(day, [["completed", 1]]) })),
    ).toEqual([`${LESSON}/v1/completed: outcome_out_of_order`]);
    expect(
      await refusedReasons(
        await report(deviceToken, {
          days: [],
          lessons: outcomes(day, [
            ["opened", 1],
            ["completed", 1],
            ["passed_first_try", 2],
          ]),
        }),
      ),
    ).toEqual([`${LESSON}/v1/passed_first_try: outcome_out_of_order`]);
    // Opened in one report, completed in the next: the stored opening counts.
    expect((await report(deviceToken, { days: [], lessons: outcomes(day, [["opened", 1]]) })).status).toBe(200);
    expect((await report(deviceToken, { days: [], lessons: outcomes(day, [["completed", 1]]) })).status).toBe(200);
    expect(
      await refusedReasons(await report(deviceToken, { days: [], lessons: outcomes(day, [["completed", 2]]) })),
    ).toEqual([`${LESSON}/v1/completed: outcome_out_of_order`]);
    // Each day stands alone: an opening yesterday does not allow a completion today.
    expect(
      await refusedReasons(
        await report(deviceToken, {
          days: [],
          lessons: [...outcomes(addDays(day, -1), [["opened", 1]]), ...outcomes(addDays(day, -2), [["completed", 1]])],
        }),
      ),
    ).toEqual([`${LESSON}/v1/completed: outcome_out_of_order`]);
    expect(
      await query("select outcome, n from lesson_outcomes where device_id = ? order by outcome", deviceId),
    ).toEqual([
      { outcome: "completed", n: 1 },
      { outcome: "opened", n: 1 },
    ]);
  });

  it("applies a report with a refused lesson count not at all, counters included", async () => {
    const day = today();
    const { deviceId, deviceToken } = await enrollDevice();
    const response = await report(deviceToken, {
      ...counters(day, [["chatgpt", "visit", 3]]),
      lessons: outcomes(day, [["opened", 1, "no-such-lesson"]]),
    });
    expect(response.status).toBe(422);
    expect(await query("select count(*) as n from daily_counters where device_id = ?", deviceId)).toEqual([{ n: 0 }]);
    expect(await query("select count(*) as n from device_lessons where device_id = ?", deviceId)).toEqual([{ n: 0 }]);
  });

  it("carries counts only: answers, times or any other field are refused, and duplicates too", async () => {
    const day = today();
    const { deviceToken } = await enrollDevice();
    const before = await countRows("lesson_outcomes");
    const [count] = outcomes(day, [["opened", 1]]);
    for (const lessons of [
      [{ ...count, answer: 2 }],
      [{ ...count, seconds: 31 }],
      [{ ...count, outcome: "failed" }],
      [{ ...count, version: 0 }],
      [count, count],
    ]) {
      const body = await expectJson(await report(deviceToken, { days: [], lessons }), 400, errorResponse);
      expect(body.code).toBe("invalid_request");
    }
    expect(await countRows("lesson_outcomes")).toBe(before);
  });
});
