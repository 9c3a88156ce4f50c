import { beforeAll, describe, expect, it } from "vitest";
import { awarenessResponse, evidencePack, policyListResponse, policyPublishResponse } from "../../shared/admin";
import { lessonReadingSeconds } from "../../shared/lessons/reading";
import type { LessonOutcome } from "../../shared/lessons/schema";
import type { Policy } from "../../shared/policy/schema";
import type { ReportRequest } from "../../shared/protocol";
import { admin, adminJson, counters, enrollDevice, enrollInGroup, expectJson, report, today } from "./helpers";

/*
 * Literacy coverage on a known population (storage is per test file, k = 5):
 *   Sales  6 devices use chatgpt (lessons: training-on-free-tier, chat-assistants);
 *          3 completed both, 1 only chat-assistants (at the first try), 2 none
 *   Legal  5 devices use deepl (lesson: translation); all 5 completed it
 *   Board  1 device uses chatgpt and fireflies (meeting-recorders too); completed nothing
 *   one device uses claude only, which is approved: no lesson, so not counted
 * Coverage: 8 of 12 devices completed every lesson relevant to the tools they used.
 */

const day = today();

function lessons(...done: Array<[string, LessonOutcome[]]>): NonNullable<ReportRequest["lessons"]> {
  return done.flatMap(([lesson, outcomes]) => outcomes.map((outcome) => ({ day, lesson, version: 1, outcome, n: 1 })));
}

async function send(token: string, body: ReportRequest): Promise<void> {
  const response = await report(token, body);
  if (response.status !== 200) throw new Error(await response.text());
}

const BOTH: Array<[string, LessonOutcome[]]> = [
  ["training-on-free-tier", ["opened", "completed"]],
  ["chat-assistants", ["opened", "completed"]],
];

beforeAll(async () => {
  for (let i = 0; i < 6; i++) {
    const { deviceToken } = await enrollInGroup("Sales");
    const done: Array<[string, LessonOutcome[]]> =
      i < 3 ? BOTH : i === 3 ? [["chat-assistants", ["opened", "completed", "passed_first_try"]]] : [];
    await send(deviceToken, { ...counters(day, [["chatgpt", "visit", 2]]), lessons: lessons(...done) });
  }
  for (let i = 0; i < 5; i++) {
    const { deviceToken } = await enrollInGroup("Legal");
    await send(deviceToken, {
      ...counters(day, [["deepl", "visit", 1]]),
      lessons: lessons(["translation", ["opened", "completed", "passed_first_try"]]),
    });
  }
  const board = await enrollInGroup("Board");
  await send(
    board.deviceToken,
    counters(day, [
      ["chatgpt", "visit", 1],
      ["fireflies", "visit", 1],
    ]),
  );
  const response = await adminJson("/tools/claude/review", "PUT", { status: "approved" });
  if (response.status !== 200) throw new Error(await response.text());
  const approvedOnly = await enrollDevice();
  await send(approvedOnly.deviceToken, counters(day, [["claude", "visit", 1]]));
});

describe("literacy coverage in awareness", () => {
  it("counts devices that completed every lesson relevant to the tools they used, with the denominator", async () => {
    const { literacy } = await expectJson(await admin("/awareness"), 200, awarenessResponse);
    expect({ users: literacy.users, covered: literacy.covered }).toEqual({ users: 12, covered: 8 });
    // Board (1 device) is merged with Legal, the smallest group at k: otherwise Board = total - Sales - Legal.
    expect(literacy.byGroup).toEqual([
      { group: "Sales", other: false, users: 6, covered: 3, suppressed: false },
      { group: null, other: true, users: 6, covered: 5, suppressed: false },
    ]);
    const byLesson = Object.fromEntries(literacy.lessons.map((l) => [l.lesson, l]));
    expect(byLesson["training-on-free-tier"]).toMatchObject({
      users: 7,
      completed: 3,
      versions: [{ version: 1, completed: 3, passedFirstTry: 0 }],
    });
    expect(byLesson["chat-assistants"]).toMatchObject({
      users: 7,
      completed: 4,
      versions: [{ version: 1, completed: 4, passedFirstTry: 1 }],
    });
    expect(byLesson.translation).toMatchObject({ users: 5, completed: 5 });
    // One device used a meeting recorder: fewer than k, so its lesson's figures are withheld.
    expect(byLesson["meeting-recorders"]).toMatchObject({
      users: null,
      completed: null,
      versions: [{ version: 1, completed: null, passedFirstTry: null }],
    });
    expect(byLesson.companions).toMatchObject({ users: 0, completed: 0 });
    expect(byLesson["chat-assistants"]?.readingSeconds).toBeLessThan(60);
  });

  it("shows each lesson version, and counts any version completed as covered", async () => {
    const { current } = await expectJson(await admin("/policy"), 200, policyListResponse);
    const edited = withChatBody(current, "What you type into a chat assistant leaves the company.");
    const published = await expectJson(
      await adminJson("/policy", "POST", { policy: edited }),
      201,
      policyPublishResponse,
    );
    const version = published.policy.literacy?.lessons.find((l) => l.id === "chat-assistants")?.version as number;
    expect(version).toBe(published.version);
    // One Sales device that had taken nothing takes the new version.
    const { deviceToken } = await enrollInGroup("Sales");
    await send(deviceToken, {
      ...counters(day, [["chatgpt", "visit", 1]]),
      lessons: [
        { day, lesson: "chat-assistants", version, outcome: "opened", n: 1 },
        { day, lesson: "chat-assistants", version, outcome: "completed", n: 1 },
        { day, lesson: "training-on-free-tier", version: 1, outcome: "opened", n: 1 },
        { day, lesson: "training-on-free-tier", version: 1, outcome: "completed", n: 1 },
      ],
    });
    const { literacy } = await expectJson(await admin("/awareness"), 200, awarenessResponse);
    expect({ users: literacy.users, covered: literacy.covered }).toEqual({ users: 13, covered: 9 });
    const chat = literacy.lessons.find((l) => l.lesson === "chat-assistants");
    expect(chat).toMatchObject({ version, users: 8, completed: 5 });
    expect(chat?.versions).toEqual([
      { version, completed: 1, passedFirstTry: 0 },
      { version: 1, completed: 4, passedFirstTry: 1 },
    ]);
  });
});

describe("literacy coverage after a review changes", () => {
  it("follows the review at once: an approved tool's users need no lesson, until the approval is withdrawn", async () => {
    const users = async () => (await expectJson(await admin("/awareness"), 200, awarenessResponse)).literacy;
    const before = await users();
    expect(before.lessons.find((l) => l.lesson === "translation")?.users).toBe(5);
    const approve = await adminJson("/tools/deepl/review", "PUT", { status: "approved" });
    if (approve.status !== 200) throw new Error(await approve.text());
    const approved = await users();
    // The five Legal devices used DeepL only: approved, it asks for no lesson.
    expect(approved.users).toBe((before.users ?? 0) - 5);
    expect(approved.lessons.find((l) => l.lesson === "translation")?.users).toBe(0);
    const withdraw = await adminJson("/tools/deepl/review", "PUT", { status: "unreviewed" });
    if (withdraw.status !== 200) throw new Error(await withdraw.text());
    expect(await users()).toEqual(before);
  });
});

function withChatBody(policy: Policy, body: string): Policy {
  const lessons = (policy.literacy?.lessons ?? []).map((lesson) => {
    if (lesson.id !== "chat-assistants") return lesson;
    const text = { ...lesson.text, en: { ...lesson.text.en, body } };
    return { ...lesson, text, readingSeconds: lessonReadingSeconds(text) };
  });
  return { ...policy, literacy: { offer: true, require: [], ...policy.literacy, lessons } };
}

describe("the evidence pack's AI-literacy section", () => {
  it("states coverage with its denominator and period, the lessons, the AI systems they serve and the texts", async () => {
    const pack = await expectJson(await admin("/evidence"), 200, evidencePack);
    expect(pack.format).toBe(3);
    const coverage = pack.figures.find((f) => f.id === "literacy-coverage");
    expect(coverage).toMatchObject({
      numerator: 9,
      denominator: 13,
      basis: "device-reports",
      controls: ["eu-ai-act-art4", "iso42001-7.2", "iso42001-7.3"],
      statement: `9 of 13 devices that used AI tools for which the policy has a lesson completed every lesson relevant to those tools (${pack.period.from} to ${pack.period.to})`,
    });
    expect(pack.controls.map((c) => c.id)).toContain("iso42001-7.2");
    const { literacy } = pack;
    expect({ from: literacy.from, to: literacy.to }).toEqual({ from: pack.period.from, to: pack.period.to });
    const chat = literacy.lessons.find((l) => l.lesson === "chat-assistants");
    expect(chat?.systems).toEqual([{ id: "chatgpt", name: "ChatGPT" }]);
    expect(chat?.appliesTo).toMatch(/^Categories: /);
    expect(literacy.lessons.find((l) => l.lesson === "translation")?.systems.map((s) => s.id)).toEqual(["deepl"]);
    // The approved tool has no lesson: it serves no lesson's list.
    expect(literacy.lessons.flatMap((l) => l.systems.map((s) => s.id))).not.toContain("claude");
    // The annex holds every published version of the lessons in force, in both languages.
    const annex = literacy.annex.map((entry) => `${entry.lesson} v${entry.version}`);
    expect(annex).toHaveLength(8);
    expect(annex.filter((entry) => entry.startsWith("chat-assistants "))).toEqual([
      `chat-assistants v${chat?.version}`,
      "chat-assistants v1",
    ]);
    const training = literacy.annex.find((entry) => entry.lesson === "training-on-free-tier");
    expect(training?.text.de.title).toBe("Dieses Tool lernt womöglich aus Ihren Eingaben");
    expect(training?.sources.map((s) => s.url)).toContain(
      "https://help.openai.com/en/articles/7039943-data-usage-for-consumer-services-faq",
    );
    expect(training?.appliesTo).toBe("Risk fact: the vendor trains its models on free-tier input by default");
  });

  it("prints the section and the annex, and writes the coverage rows to the CSV", async () => {
    const html = await (await admin("/evidence?format=html")).text();
    expect(html).toContain("EU AI Act Article 4 and ISO/IEC 42001 7.2-7.3: AI literacy");
    expect(html).toContain("Annex: lesson texts");
    expect(html).toContain('lang="de"');
    expect(html).toContain("Coding-Assistenten: Geheimnisse und Lizenzen");
    expect(html).toContain("9 of 13 devices that used AI tools for which the policy has a lesson");
    expect(html).not.toContain("Board");
    const csv = await (await admin("/evidence?format=csv")).text();
    expect(csv).toContain("EU AI Act,Article 4,AI literacy,literacy-coverage-by-group,Sales: 4 of 7 devices");
    expect(csv).toMatch(/lesson-meeting-recorders,"""Meeting recorders: everyone in the call must know"": withheld/);
    expect(csv).not.toContain("Board");
  });
});
