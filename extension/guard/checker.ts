import { readableAsText } from "../../shared/guard/files";
import type { DetectorId } from "../../shared/guard/ids";
import type { GuardSubject } from "../../shared/guard/outcomes";
import { beginScan, type Guard, prepareGuard, type ScanResult, scan, scanInSlices } from "../../shared/guard/scan";
import { LIMITS } from "../../shared/limits";
import { decideGuard, type PageGuardDecision } from "../../shared/policy/guard-table";
import type { GuardPage, GuardReport } from "../lib/messages";
import type { Transfer } from "./transfer";
import type { GuardView } from "./view";

/*
 * The guard on one page: decides each paste, drop or file choice the person makes.
 *
 * Most pastes are decided inside their own event: the text is scanned at once (for at most
 * LIMITS.guardAtOnceMs) and, when nothing in it concerns the policy, the event goes on
 * untouched, as if the guard were not there. A paste with a hit the policy warns about or
 * blocks, one too long to scan at once, or one bringing text files to read, is held: the
 * event is stopped before the page sees it, the rest is scanned in slices (the page stays
 * responsive), and the transfer is then handed on, or the person decides. Only the outcome
 * leaves this module, as detector ids and a check id for the background to count.
 */

/** The person's choice in the warning; `closed` for a blocked paste's notice. */
export type Choice = "pasted_anyway" | "removed" | "closed";

export interface CheckerDeps {
  /** The page's guard settings: undefined while they are asked for, null when the guard is off here. */
  page(): GuardPage | null | undefined;
  /** Resolves once the settings are known. */
  settled(): Promise<GuardPage | null>;
  report(report: GuardReport): void;
  /** Shows the warning or the refusal and resolves with the person's choice. */
  ask(view: GuardView): Promise<Choice>;
  now(): number;
  /** Hands the page back for a moment (between slices of a long scan). */
  pause(): Promise<void>;
  newId(): string;
}

/** Which detectors hit, and `unscanned` when the scan could not read everything. */
function findingsOf(result: ScanResult): { detectors: DetectorId[]; complete: boolean } {
  return { detectors: Object.keys(result.counts) as DetectorId[], complete: result.complete };
}

export class Checker {
  private prepared: { page: GuardPage; guard: Guard } | null = null;
  /** One warning at a time: later ones wait for the person to answer the first. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: CheckerDeps) {}

  private guardOf(page: GuardPage): Guard {
    if (this.prepared?.page !== page) this.prepared = { page, guard: prepareGuard(page.settings) };
    return this.prepared.guard;
  }

  /**
   * Prepares the policy's detectors ahead of the first paste: their expressions compile on
   * first use, which would otherwise fall on the person's first paste.
   */
  warm(): void {
    const page = this.deps.page();
    if (page) scan("Order 4711-2026 of 2026-11-30, ref AB12 3456 7890 1234, total 1.234,56", this.guardOf(page));
  }

  private readable(files: File[], page: GuardPage): File[] {
    return page.files.read ? files.filter((file) => readableAsText(file, page.files.maxBytes)) : [];
  }

  /**
   * Decides a transfer inside its event. Returns "pass" when the event may go on untouched,
   * "hold" when the caller must stop it: the check then goes on and ends in a delivery, or
   * in the person's answer to a warning.
   */
  check(transfer: Transfer): "pass" | "hold" {
    const page = this.deps.page();
    if (page === null) return "pass";
    if (page !== undefined && this.readable(transfer.files, page).length === 0) {
      if (transfer.text === "") return "pass";
      const begun = beginScan(transfer.text, this.guardOf(page), {
        now: this.deps.now,
        withinMs: LIMITS.guardAtOnceMs,
      });
      if (begun.done) {
        const decision = decideGuard(page.table, findingsOf(begun.result));
        if (decision.action === "allow") return "pass";
        this.enqueue(() => this.conclude(page, transfer, begun.result, decision));
        return "hold";
      }
      this.enqueue(async () => {
        const result = await begun.rest({ now: this.deps.now, pause: this.deps.pause });
        await this.decideHeld(page, transfer, result);
      });
      return "hold";
    }
    // Settings still on their way, or files to read: hold it and decide when all is known.
    this.enqueue(async () => {
      const settled = await this.deps.settled();
      if (!settled) return transfer.deliver();
      const files = this.readable(transfer.files, settled);
      const texts = [transfer.text, ...(await Promise.all(files.map((file) => file.text())))].filter(Boolean);
      const result = await scanInSlices(texts.join("\n\n"), this.guardOf(settled), {
        now: this.deps.now,
        pause: this.deps.pause,
      });
      await this.decideHeld(settled, transfer, result);
    });
    return "hold";
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => console.error("Shadowlight guard:", error));
  }

  private async decideHeld(page: GuardPage, transfer: Transfer, result: ScanResult): Promise<void> {
    const decision = decideGuard(page.table, findingsOf(result));
    if (decision.action === "allow") transfer.deliver();
    else await this.conclude(page, transfer, result, decision);
  }

  /** A warning or a refusal: counted, shown, and the person's answer counted and carried out. */
  private async conclude(
    page: GuardPage,
    transfer: Transfer,
    result: ScanResult,
    decision: PageGuardDecision,
  ): Promise<void> {
    const check = this.deps.newId();
    const subjects: GuardSubject[] = [...findingsOf(result).detectors];
    if (!result.complete) subjects.push("unscanned");
    const warn = decision.action === "warn";
    this.deps.report({ session: page.session, check, detectors: subjects, outcome: warn ? "warned" : "blocked" });
    const counted = new Set<string>(decision.counted);
    const shown = result.hits.filter((hit) => counted.has(hit.detector));
    const choice = await this.deps.ask({
      kind: transfer.kind,
      action: warn ? "warn" : "block",
      message: decision.message,
      requireReason: decision.requireReason,
      reasons: page.reasons,
      found: shown.slice(0, LIMITS.guardShownHits).map((hit) => ({
        detector: hit.detector,
        label:
          hit.detector === "org-pattern" && hit.label && Object.hasOwn(page.patternLabels, hit.label)
            ? (page.patternLabels[hit.label] ?? null)
            : null,
        preview: hit.preview,
      })),
      more: Math.max(0, shown.length - LIMITS.guardShownHits),
      unscanned: counted.has("unscanned"),
      toolName: page.tool.name,
      policyUrl: page.policyUrl,
      policyVersion: page.policyVersion,
    });
    if (warn) {
      const answer = choice === "pasted_anyway" ? "pasted_anyway" : "removed";
      this.deps.report({ session: page.session, check, detectors: subjects, outcome: answer });
      if (answer === "pasted_anyway") return transfer.deliver();
    }
    transfer.discard();
  }
}
