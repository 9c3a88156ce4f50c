import { Hono } from "hono";
import { getDomain } from "tldts";
import {
  type Candidate,
  type CandidateState,
  type CandidatesResponse,
  type CandidateTriageResponse,
  candidateTriageRequest,
  type ExtensionCandidate,
  type PromoteResponse,
  promoteRequest,
} from "../../../shared/admin";
import type { Store } from "../../../shared/catalog/discovery";
import { organizationEntry } from "../../../shared/catalog/organization";
import { describeIssues } from "../../../shared/policy/schema";
import { registrableDomain } from "../../../shared/protocol";
import { catalog } from "../../catalog";
import { auditEntry } from "../../db/audit";
import { candidateDomain, candidateUsage, triageCandidate } from "../../db/candidates";
import { database } from "../../db/client";
import { namedExtensions } from "../../db/discovery";
import { loadEffectiveCatalog } from "../../db/organization";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";
import { atLeastK, coarseDay, kAnonymity } from "../../privacy";
import { saveOrganizationEntry } from "./organization";

/** The catalogued vendor whose own website is under `domain`, by name. */
function vendorOfDomain(domain: string): string | null {
  const vendor = catalog.vendors.find(
    (v) => getDomain(new URL(v.website).hostname, { allowPrivateDomains: false }) === domain,
  );
  return vendor?.name ?? null;
}

const STATE_ORDER: Record<CandidateState, number> = { new: 0, added: 1, dismissed: 2 };

/**
 * `GET /api/admin/candidates`: unknown AI-looking domains the extensions reported (the
 * registrable domain only), new ones first. A domain seen by fewer than k devices is listed
 * for triage as "seen by fewer than k devices", with no figures and its days coarsened to the
 * week. `POST /api/admin/candidates/:domain` triages one: "added" once the tool is in the
 * catalog, "dismissed" when it is not AI or not relevant.
 */
export const candidatesRoute = new Hono<AppEnv>()
  .get("/", async (c) => {
    const k = kAnonymity(c.env);
    const db = database(c.env.DB);
    const [usage, named, effective] = await Promise.all([
      candidateUsage(db),
      namedExtensions(db, k),
      loadEffectiveCatalog(db),
    ]);
    const known = (store: Store, id: string) => effective.index.extensions?.[store]?.[id] !== undefined;
    const extensions = named.filter((row) => !known(row.store as Store, row.id)) as ExtensionCandidate[];
    const list: Candidate[] = usage.map((row) => {
      const fewerThanK = row.population < k;
      return {
        domain: row.domain,
        firstSeen: coarseDay(row.firstSeen, row.population, k),
        lastSeen: coarseDay(row.lastSeen, row.population, k),
        fewerThanK,
        devices: atLeastK(row.devices, row.devices, k),
        visits: fewerThanK ? null : row.visits,
        state: row.state,
        signals: row.signals,
      };
    });
    list.sort(
      (a, b) =>
        STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
        (b.devices ?? -1) - (a.devices ?? -1) ||
        (b.visits ?? -1) - (a.visits ?? -1) ||
        a.domain.localeCompare(b.domain),
    );
    return c.json({ candidates: list, extensions } satisfies CandidatesResponse);
  })
  .post("/:domain", jsonBody(candidateTriageRequest), async (c) => {
    const domain = c.req.param("domain");
    if (!registrableDomain.safeParse(domain).success) {
      return refuse(c, 400, "invalid_request", `"${domain}" is not a canonical domain`);
    }
    const { state } = c.req.valid("json");
    const db = database(c.env.DB);
    const row = await candidateDomain(db, domain);
    if (!row) return refuse(c, 404, "not_found", `no candidate domain "${domain}" was reported`);
    if (row.state !== state) {
      await db.batch([
        triageCandidate(db, domain, state, c.get("actor"), Date.now()),
        auditEntry(db, c.get("actor"), "candidate.triage", domain, { before: row.state, after: state }),
      ]);
    }
    return c.json({ domain, state } satisfies CandidateTriageResponse);
  })
  .post("/:domain/promote", jsonBody(promoteRequest), async (c) => {
    // One click in the dashboard: the domain becomes an organization catalog entry (so devices
    // recognize it with their next policy fetch) and the candidate is marked added, together.
    const domain = c.req.param("domain");
    if (!registrableDomain.safeParse(domain).success) {
      return refuse(c, 400, "invalid_request", `"${domain}" is not a canonical domain`);
    }
    const db = database(c.env.DB);
    const row = await candidateDomain(db, domain);
    if (!row) return refuse(c, 404, "not_found", `no candidate domain "${domain}" was reported`);
    const body = c.req.valid("json");
    const parsed = organizationEntry.safeParse({
      id: `org-${domain.replace(/[^a-z0-9]+/g, "-")}`.slice(0, 64).replace(/-+$/, ""),
      name: body.name ?? domain,
      // A new product under a catalogued AI vendor's own domain is that vendor's.
      vendor: body.vendor ?? vendorOfDomain(domain) ?? domain,
      category: body.category ?? "chat",
      hosts: [domain],
    });
    if (!parsed.success) {
      return refuse(c, 422, "change_refused", "entry refused, nothing was changed", {
        issues: describeIssues(parsed.error),
      });
    }
    const actor = c.get("actor");
    const { issues, view } = await saveOrganizationEntry(db, parsed.data, actor, [
      triageCandidate(db, domain, "added", actor, Date.now()),
      auditEntry(db, actor, "candidate.triage", domain, { before: row.state, after: "added" }),
    ]);
    if (!view) return refuse(c, 422, "change_refused", "entry refused, nothing was changed", { issues });
    return c.json({ domain, state: "added", entry: view } satisfies PromoteResponse, 201);
  });
