import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  auditResponse,
  lessonsResponse,
  policyListResponse,
  policyPublishResponse,
  policyValidateResponse,
} from "../../shared/admin";
import { addDays } from "../../shared/day";
import { lessonReadingSeconds } from "../../shared/lessons/reading";
import { type Lesson, lessonSchema } from "../../shared/lessons/schema";
import type { Policy } from "../../shared/policy/schema";
import { errorResponse, policyResponse } from "../../shared/protocol";
import { database } from "../../worker/db/client";
import { PUBLISHED_LESSON_VERSIONS, type PublishedLessonVersion, publishedLessonsOf } from "../../worker/db/lessons";
import { policyHistory } from "../../worker/db/policies";
import { admin, adminJson, call, enrollDevice, expectJson, report, today, VIEWER } from "./helpers";

/* Lessons edited and published with the policy: validated on the server, versioned, audited, delivered. */

async function current(): Promise<Policy> {
  return (await expectJson(await admin("/policy"), 200, policyListResponse)).current;
}

function lessonsOf(policy: Policy): Lesson[] {
  return policy.literacy?.lessons ?? [];
}

/** The policy with one lesson's English body replaced (its reading time kept right). */
function withBody(policy: Policy, id: string, body: string): Policy {
  const lessons = lessonsOf(policy).map((lesson) => {
    if (lesson.id !== id) return lesson;
    const text = { ...lesson.text, en: { ...lesson.text.en, body } };
    return { ...lesson, text, readingSeconds: lessonReadingSeconds(text) };
  });
  return { ...policy, literacy: { offer: true, require: [], ...policy.literacy, lessons } };
}

async function publish(policy: Policy) {
  return expectJson(await adminJson("/policy", "POST", { policy }), 201, policyPublishResponse);
}

describe("lessons in the policy", () => {
  it("are validated on the server, each problem named by its field", async () => {
    const policy = await current();
    const [first, second] = lessonsOf(policy) as [Lesson, Lesson];
    const broken: Policy = {
      ...policy,
      literacy: {
        offer: true,
        require: [{ id: "typo", when: { categories: ["astrology"] }, includeAllowed: false }],
        lessons: [
          { ...first, appliesTo: { tools: ["not-a-tool"] }, readingSeconds: 5 },
          { ...second, id: first.id },
        ],
      },
    };
    const result = await expectJson(
      await adminJson("/policy/validate", "POST", { policy: broken }),
      200,
      policyValidateResponse,
    );
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      `literacy.lessons.0.readingSeconds: the text reads in about ${first.readingSeconds} s (${
        result.issues[0]?.match(/\((en|de)\)/)?.[1]
      }): set ${first.readingSeconds}`,
      "literacy.lessons.1.id: duplicate lesson id",
    ]);
    const fixed = {
      ...broken,
      literacy: { ...broken.literacy, lessons: [{ ...first, appliesTo: { tools: ["not-a-tool"] } }] },
    };
    expect(
      (await expectJson(await adminJson("/policy/validate", "POST", { policy: fixed }), 200, policyValidateResponse))
        .issues,
    ).toEqual([
      'literacy.lessons.0.appliesTo.tools.0: unknown tool "not-a-tool"',
      'literacy.require.0.when.categories.0: unknown category "astrology"',
    ]);
    const refused = await expectJson(await adminJson("/policy", "POST", { policy: fixed }), 400, errorResponse);
    expect(refused.code).toBe("change_refused");
  });

  it("keep their version while unchanged and take the publishing policy version when changed", async () => {
    const before = await current();
    const unchanged = await publish(before);
    expect(lessonsOf(unchanged.policy).map((l) => [l.id, l.version])).toEqual(
      lessonsOf(before).map((l) => [l.id, l.version]),
    );

    const edited = withBody(unchanged.policy, "translation", "Keep client documents out of free translators.");
    // What the editor sends as the version does not matter: the server gives it.
    const sent = {
      ...edited,
      literacy: {
        ...edited.literacy,
        lessons: [
          ...lessonsOf(edited).map((l) => (l.id === "translation" ? { ...l, version: 999 } : l)),
          { ...(lessonsOf(edited)[0] as Lesson), id: "our-own-lesson", version: 1 },
        ],
      },
    } as Policy;
    const changed = await publish(sent);
    const versions = new Map(lessonsOf(changed.policy).map((l) => [l.id, l.version]));
    expect(versions.get("translation")).toBe(changed.version);
    expect(versions.get("our-own-lesson")).toBe(changed.version);
    expect(versions.get("chat-assistants")).toBe(1);

    // Devices receive the lessons with the policy.
    const { deviceToken } = await enrollDevice();
    const delivered = await expectJson(
      await call("/api/v1/policy", { headers: { Authorization: `Bearer ${deviceToken}` } }),
      200,
      policyResponse,
    );
    expect(delivered.policy.literacy?.lessons.find((l) => l.id === "translation")?.text.en.body).toBe(
      "Keep client documents out of free translators.",
    );

    // Every version stays known: the editor's history, and reports of older versions.
    const lessons = await expectJson(await admin("/policy/lessons"), 200, lessonsResponse);
    expect(lessons.versions.filter((v) => v.lesson === "translation").map((v) => v.version)).toEqual([
      changed.version,
      1,
    ]);
    expect(lessons.lessons.map((l) => l.id)).toContain("our-own-lesson");
    expect(lessons.defaults.map((l) => l.id)).toContain("translation");
    // The evidence pack finds them in the policies it already read: the same versions, first
    // publications and texts as the statements over every stored policy body.
    const found = publishedLessonsOf(await policyHistory(database(env.DB)));
    const inOrder = <T extends { lesson: string; version: number }>(list: T[]) =>
      [...list].sort((a, b) => a.lesson.localeCompare(b.lesson) || a.version - b.version);
    expect(found.versions.length).toBe(lessonsOf(before).length + 2);
    const stored = await env.DB.prepare(PUBLISHED_LESSON_VERSIONS).all<PublishedLessonVersion>();
    expect(inOrder(found.versions)).toEqual(inOrder(stored.results));
    const firstTexts = new Map<string, Lesson>();
    const bodies = await env.DB.prepare(
      "SELECT l.value AS lesson FROM policy_versions AS p, json_each(p.body, '$.literacy.lessons') AS l ORDER BY p.version",
    ).all<{ lesson: string }>();
    for (const row of bodies.results) {
      const lesson = lessonSchema.parse(JSON.parse(row.lesson));
      if (!firstTexts.has(`${lesson.id}|${lesson.version}`)) firstTexts.set(`${lesson.id}|${lesson.version}`, lesson);
    }
    const byKey = (texts: Map<string, Lesson>) => [...texts].sort(([a], [b]) => a.localeCompare(b));
    expect(byKey(found.texts)).toEqual(byKey(firstTexts));

    // Each new lesson version is in the audit log, with its title; unchanged ones are not.
    const { entries } = await expectJson(await admin("/audit?limit=20"), 200, auditResponse);
    const lessonEntries = entries.filter(
      (e) => e.action === "lesson.publish" && e.target?.endsWith(` v${changed.version}`),
    );
    expect(lessonEntries.map((e) => e.target).sort()).toEqual([
      `our-own-lesson v${changed.version}`,
      `translation v${changed.version}`,
    ]);
    const publication = entries.find((e) => e.action === "policy.publish" && e.target === `v${changed.version}`);
    expect(publication?.detail).toMatchObject({ lessons: lessonsOf(before).length + 1 });
  });

  it("accepts outcomes of a new version from its publication day on, and of older versions still", async () => {
    const policy = withBody(await current(), "companions", "Companion apps store what you tell them.");
    const published = await publish(policy);
    const version = lessonsOf(published.policy).find((l) => l.id === "companions")?.version as number;
    const { deviceToken } = await enrollDevice();
    const outcome = (day: string, v: number) => ({
      days: [],
      lessons: [{ day, lesson: "companions", version: v, outcome: "opened" as const, n: 1 }],
    });
    const early = await expectJson(
      await report(deviceToken, outcome(addDays(today(), -1), version)),
      422,
      errorResponse,
    );
    expect(early.refused?.[0]).toMatchObject({ kind: "lesson", reason: "before_publication" });
    expect((await report(deviceToken, outcome(today(), version))).status).toBe(200);
    expect((await report(deviceToken, outcome(addDays(today(), -1), 1))).status).toBe(200);
  });

  it("give concurrent changes of one lesson distinct versions", async () => {
    const base = await current();
    const [a, b] = await Promise.all([
      publish(withBody(base, "coding-assistants", "First wording of the coding lesson.")),
      publish(withBody(base, "coding-assistants", "Second wording of the coding lesson.")),
    ]);
    const versionOf = (policy: Policy) => lessonsOf(policy).find((l) => l.id === "coding-assistants")?.version;
    expect([versionOf(a.policy), versionOf(b.policy)].sort()).toEqual([a.version, b.version].sort());
  });

  it("are published by admins only", async () => {
    const response = await adminJson("/policy", "POST", { policy: await current() }, VIEWER);
    expect(response.status).toBe(403);
    expect((await admin("/policy/lessons", {}, VIEWER)).status).toBe(200);
  });
});
