import { Hono } from "hono";
import type { OrganizationEntriesResponse, OrganizationEntryView } from "../../../shared/admin";
import { type OrganizationEntry, organizationEntry, organizationProblems } from "../../../shared/catalog/organization";
import { catalog, compiledIndex, inventoryKind } from "../../catalog";
import { auditEntry } from "../../db/audit";
import { type Database, database } from "../../db/client";
import {
  deleteOrganizationEntry,
  effectiveCatalog,
  type StoredOrganizationEntry,
  storedOrganizationEntries,
  upsertOrganizationEntry,
} from "../../db/organization";
import { currentPolicy } from "../../db/policies";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";

/** Each stored entry with the kind, risk and level devices will give it. */
function entryViews(stored: StoredOrganizationEntry[]): OrganizationEntryView[] {
  const entries = stored.map((row) => row.entry);
  const { byId } = effectiveCatalog(entries);
  return stored.flatMap((row) => {
    const compiled = byId.get(row.entry.extends ?? row.entry.id);
    if (!compiled) return [];
    return [
      {
        ...row,
        kind: inventoryKind(compiled, entries),
        risk: compiled.risk,
        level: compiled.level,
      },
    ];
  });
}

/**
 * Saves `entry` (new or replacing the one with its id) with its audit record in one batch,
 * after the checks the catalog build makes: nothing is stored when any fails.
 */
export async function saveOrganizationEntry(
  db: Database,
  entry: OrganizationEntry,
  actor: string,
  extra: Parameters<Database["batch"]>[0][number][] = [],
): Promise<{ issues: string[]; view?: OrganizationEntryView }> {
  const stored = await storedOrganizationEntries(db);
  const before = stored.find((row) => row.entry.id === entry.id);
  const others = stored.filter((row) => row.entry.id !== entry.id).map((row) => row.entry);
  const issues = organizationProblems([...others, entry], catalog, compiledIndex);
  if (issues.length) return { issues };
  const at = Date.now();
  await db.batch([
    upsertOrganizationEntry(db, entry, actor, at),
    auditEntry(db, actor, before ? "organization.change" : "organization.add", entry.id, {
      ...(before ? { before: before.entry } : {}),
      after: entry,
    }),
    ...extra,
  ]);
  const saved = {
    entry,
    createdAt: before?.createdAt ?? at,
    createdBy: before?.createdBy ?? actor,
    updatedAt: at,
    updatedBy: actor,
  };
  return { issues: [], view: entryViews([...stored.filter((row) => row.entry.id !== entry.id), saved]).at(-1) };
}

/**
 * The organization's own catalog entries: `GET /` lists them, `PUT /:id` adds or replaces
 * one (validated like a catalog file, audited), `DELETE /:id` removes one unless the policy in
 * force names it. Devices receive every entry with their next policy fetch.
 */
export const organizationRoute = new Hono<AppEnv>()
  .get("/", async (c) => {
    const entries = entryViews(await storedOrganizationEntries(database(c.env.DB)));
    return c.json({ entries } satisfies OrganizationEntriesResponse);
  })
  .put("/:id", jsonBody(organizationEntry), async (c) => {
    const entry = c.req.valid("json");
    if (entry.id !== c.req.param("id")) {
      return refuse(c, 400, "invalid_request", `the body's id "${entry.id}" is not the path's "${c.req.param("id")}"`);
    }
    const { issues, view } = await saveOrganizationEntry(database(c.env.DB), entry, c.get("actor"));
    if (!view) return refuse(c, 422, "change_refused", "entry refused, nothing was changed", { issues });
    return c.json(view);
  })
  .delete("/:id", async (c) => {
    const id = c.req.param("id");
    const db = database(c.env.DB);
    const [stored, policy] = await Promise.all([storedOrganizationEntries(db), currentPolicy(db)]);
    const before = stored.find((row) => row.entry.id === id);
    if (!before) return refuse(c, 404, "not_found", `no organization entry "${id}"`);
    const named = policy.rules.filter((rule) =>
      [...(rule.when.tools ?? []), ...(rule.alternatives ?? [])].includes(id),
    );
    if (named.length) {
      return refuse(
        c,
        409,
        "conflict",
        `the policy in force names "${id}" in ${named.map((rule) => rule.id).join(", ")}`,
      );
    }
    await db.batch([
      deleteOrganizationEntry(db, id),
      auditEntry(db, c.get("actor"), "organization.remove", id, { before: before.entry }),
    ]);
    return c.body(null, 204);
  });
