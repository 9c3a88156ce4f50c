import type { EventKind } from "./events";
import type { GuardOutcome } from "./guard/outcomes";
import type { LessonOutcome } from "./lessons/schema";

/**
 * Every budget and limit of the product, in one place. Code and the tests that hold a
 * budget import it from here, so a budget changes in exactly one line.
 */
export const LIMITS = {
  /** Smallest group a view or export may show; smaller groups are suppressed. */
  kAnonymity: 5,
  /** Largest request body the worker reads, in bytes. */
  maxBodyBytes: 256 * 1024,
  /** Days one report may carry. */
  maxDaysPerReport: 40,
  /** Counters one day of one report may carry. */
  maxCountersPerDay: 2_000,
  /** Largest value of a single cumulative daily counter. */
  maxCounterValue: 1_000_000,
  /** Days of raw counters the worker keeps and accepts (older days are refused). */
  retentionDays: 90,
  /** Bound parameters D1 accepts in one statement. */
  d1MaxParams: 100,
  /**
   * D1's hard cap on one database's size (10 GB on the Workers Paid plan, in decimal bytes):
   * the dashboard's overview shows the database's growth against it.
   */
  d1MaxDatabaseBytes: 10_000_000_000,
  /** Minutes between two scheduled flushes of the extension. */
  flushPeriodMinutes: 15,
  /** Days of counters the extension keeps locally. */
  extensionKeepDays: 35,
  /**
   * Distinct unknown AI domains one device may report per day. The extension keeps no more
   * (visits beyond are only counted locally) and the worker refuses more, so a few scripted
   * devices cannot fill the database with invented domains.
   */
  maxCandidatesPerDay: 50,
  /** Longest label of a candidate domain the worker accepts (DNS allows 63). */
  maxCandidateLabelLength: 63,
  /**
   * Counter rows (tool, event, policy version) one device may hold for one day. A person who
   * opens 40 AI tools in a day under two policy versions needs about 200.
   */
  maxCounterRowsPerDeviceDay: 400,
  /**
   * Guard count rows (tool, detector, outcome, policy version) one device may hold for one
   * day: a day of warnings on a few tools about a few kinds of data needs a few dozen.
   */
  maxGuardRowsPerDeviceDay: 400,
  /**
   * Ingest: write attempts of one report or queued batch when another write for the same
   * device slipped in between its checks and its write (each attempt checks again).
   */
  ingestWriteAttempts: 6,
  /** Largest queue message (Cloudflare Queues take 128 KB with metadata); a larger report is applied at once. */
  queueMessageBytes: 120_000,
  /**
   * Deliveries of a queued report whose answers outnumber its nudges: the nudges may be in
   * an earlier report still on its way (a queue may reorder), so it is checked again later
   * before it is dropped and its device flagged.
   */
  ingestRecheckAttempts: 4,
  ingestRecheckDelaySeconds: 30,
  /** Delay before a queued batch whose write failed is delivered again, doubled per attempt. */
  ingestRetryDelaySeconds: 10,
  /**
   * How long a worker instance trusts a device token it has looked up for a report (the
   * ingest that applies it, direct or queued, refuses or drops the counts of a device revoked
   * meanwhile, so this bounds only how late a revoked device hears 403), and how many it keeps.
   */
  deviceAuthCacheSeconds: 30 * 60,
  deviceAuthCacheEntries: 20_000,
  /**
   * How long a worker instance names the same policy in force (version and ETag) in its
   * answers to reports before reading it again: a policy published, a review changed or an
   * organization entry added through another instance reaches devices with their first
   * report after this. The instance that made the change names the new one at once.
   */
  policySignalCacheSeconds: 30,
  /** Requests of a device per minute a worker instance allows before it asks the rate limiter. */
  deviceRequestsLocalAllowance: 4,
  /** Largest device cap an enrollment token may have. */
  maxDevicesPerToken: 100_000,
  /** Device cap of the bootstrap ENROLLMENT_TOKEN unless ENROLLMENT_TOKEN_MAX_DEVICES says otherwise. */
  bootstrapMaxDevices: 10_000,
  /**
   * An enrollment token's enrollments "jump" (flagged on the dashboard) when more devices
   * enrolled with it in 24 hours than this share of its cap, and at least `minimum`.
   */
  enrollmentJump: { shareOfCap: 0.25, minimum: 10 },
  /** Oldest Cloudflare Access token the admin API accepts (its `iat`), in seconds. */
  accessTokenMaxAgeSeconds: 24 * 3600,
  /** Longest group label, in characters. */
  maxGroupLength: 64,
  /** Days after which a catalog fact is flagged stale until its page is read again. */
  factStaleDays: 365,
  /**
   * Installed extensions that look like AI assistants but are not in the catalog, counted on
   * one device in one day: browsers cap installed extensions far below this.
   */
  maxUnknownExtensionsPerDay: 200,
  /** Distinct (site, AI tool) pairs one device may report as embeds in one day. */
  maxEmbedsPerDay: 200,
  /** Extension tokens one device may nominate in one day (unknown AI-looking extensions). */
  maxExtensionTokensPerDay: 50,
  /** Nominated extension tokens the server publishes at most, most devices first. */
  maxRevealedTokens: 500,
  /** The organization's own catalog entries, and hosts (or paths) one entry may list. */
  maxOrganizationEntries: 500,
  maxOrganizationHosts: 50,

  // The sensitive-data guard (shared/guard): everything it does is bounded, so no paste and
  // no policy can keep the page busy for long.
  /** Characters of one paste the guard reads; the rest counts as unscanned. */
  guardMaxScanChars: 4_000_000,
  /** Characters one step of a scan covers before the scanner may hand the page back. */
  guardChunkChars: 32_768,
  /** Longest stretch a sliced scan keeps the page busy before it yields, in milliseconds. */
  guardSliceMs: 8,
  /** Total time a scan may take; past it the scan stops and the rest counts as unscanned. */
  guardTimeBudgetMs: 1_500,
  /** Hits kept for the preview of one paste (every hit is still counted). */
  guardMaxHits: 500,
  /** Hits the warning lists (with "and N more" after them). */
  guardShownHits: 5,
  /**
   * How long the guard scans a paste at once, inside the paste event: within it, a clean paste
   * goes on untouched. Past it the paste is held, scanned on in slices and handed on after.
   */
  guardAtOnceMs: 12,
  /** File contents the guard reads by default (the policy's `files.maxBytes`), and at most. */
  guardFileDefaultBytes: 1_048_576,
  guardFileMaxBytes: 4_000_000,
  /** Warnings one page's guard session remembers until they are answered. */
  guardOpenWarnings: 20,
  /** A page asks for the guard's settings again when it becomes visible after this long. */
  guardRefreshMs: 5 * 60_000,
  /** Classification markings one policy may configure, and the longest one. */
  guardMaxMarkings: 50,
  guardMarkingMaxLength: 100,
  /** Organization patterns one policy may define. */
  guardMaxPatterns: 20,
  /** Longest pattern source, in characters. */
  guardPatternMaxSource: 300,
  /** Largest compiled pattern program (instructions after counted repeats are unrolled). */
  guardPatternMaxProgram: 1_000,
  /** Largest count in a pattern's {n,m} repeat. */
  guardPatternMaxRepeat: 100,
  /** Longest text one organization-pattern match may span. */
  guardPatternMaxMatch: 256,
  /**
   * Pattern-engine steps (characters x program size) in one step of a scan: a pattern with a
   * large program reads fewer characters per step, so every step stays short.
   */
  guardPatternStepsPerChunk: 150_000,

  // Lessons (AI literacy): short enough to take at the moment of use.
  /** Longest estimated reading time of a lesson in seconds: under a minute, in steps of 5 s. */
  lessonMaxReadingSeconds: 55,
  /**
   * Reading speed the estimate assumes, in words a minute: slower than most adults read, so
   * the estimate errs long; German words are longer, so fewer of them a minute.
   */
  lessonWordsPerMinute: { en: 180, de: 150 },
  /** Lessons one policy may hold (a long lesson is about 10 KB: the policy stays under maxBodyBytes). */
  maxLessons: 20,
  /** Longest lesson body in characters (about 150 words). */
  lessonMaxBodyChars: 1_200,
  /** Lesson requirements one policy may hold. */
  maxLessonRequirements: 50,
} as const;

/**
 * The largest value one device's counter may plausibly reach in one day, per event. Counts
 * are self-reported, so the worker refuses anything above these (422, nothing stored): a
 * scripted device cannot inflate a figure by more than a person could. Beyond these caps,
 * answers are bounded by nudges shown (see ANSWER_EVENTS) and review requests by blocks.
 */
export const PLAUSIBLE_PER_DAY = {
  /** Page loads of one tool in a day: a heavy user reloads a few hundred times. */
  visit: 3_000,
  nudge_shown: 500,
  /** An acknowledgement is asked once per policy version (again only after days). */
  acknowledged: 20,
  dismissed: 500,
  left: 500,
  justified: 50,
  redirected: 500,
  blocked: 3_000,
  review_requested: 20,
  nudge_tampered: 500,
} as const satisfies Record<EventKind, number>;

/**
 * When a device's day stands out against the fleet (flagged for review, kept out of evidence
 * until then): total visits or total answers to nudges above both the minimum and `factor`
 * times the fleet's median of that day.
 */
export const OUTLIERS = { factor: 10, minVisits: 300, minAnswers: 30 } as const;

/**
 * The largest value one device's guard count may reach in one day, per outcome, for one
 * tool and detector: a person who pastes all day into one tool stays far below.
 */
export const PLAUSIBLE_GUARD_PER_DAY = {
  warned: 300,
  pasted_anyway: 300,
  removed: 300,
  blocked: 300,
} as const satisfies Record<GuardOutcome, number>;

/** Visits one device may report to one unknown AI-looking domain in a day. */
export const PLAUSIBLE_CANDIDATE_VISITS_PER_DAY = 3_000;

/**
 * The largest count of a lesson outcome one device may report for one lesson version and day.
 * A person may reopen a lesson a few times; completing it is asked once per version, and a
 * lesson taken again by choice still takes most of a minute.
 */
export const PLAUSIBLE_LESSON_OUTCOMES_PER_DAY = {
  opened: 20,
  completed: 10,
  passed_first_try: 10,
} as const satisfies Record<LessonOutcome, number>;

/**
 * Requests one device's pages of one site may make to one AI tool's hosts in a day: a chat
 * widget that streams answers makes a few dozen requests per message.
 */
export const PLAUSIBLE_EMBED_REQUESTS_PER_DAY = 20_000;

/** Lines a source file and a test file may have (test/conventions/file-size.test.ts). */
export const FILE_LINES = { source: 400, test: 500 } as const;

/** Size and speed budgets, held by `npm run bench` and by the build tests. */
export const BUDGETS = {
  /**
   * The content script runs on every catalog page at document_start, before the page's own
   * scripts: it only takes the nudge decision (about 14 KB, most of it the browser API
   * wrapper), so a page without a nudge is not slowed before its DOMContentLoaded.
   */
  contentScriptBytes: 24 * 1024,
  /**
   * The nudge's UI (Preact, the card, its styles), injected by the background only into a
   * page that gets a nudge (Chromium; Firefox's content script carries it). About 45 KB.
   */
  nudgeUiBytes: 60 * 1024,
  /**
   * The sensitive-data guard's listener, also on every catalog page at document_start: it
   * only watches for pastes, drops and file choices and holds the first one (about 20 KB,
   * half of it the browser API wrapper).
   */
  guardListenerBytes: 24 * 1024,
  /**
   * The guard's detectors and pattern engine (about half), Preact and the warning, injected by
   * the background into a page on its first paste, drop or file choice (Chromium; Firefox's
   * guard content script carries them beside the listener). About 72 KB.
   */
  guardUiBytes: 80 * 1024,
  /**
   * The background is loaded at every start of the service worker (the browser stops it after
   * 30 s idle), never into pages. About 430 KB: a third is the compiled catalog, over a
   * quarter the public-suffix list (tldts, so unknown AI sites are reported as registrable
   * domain only), a fifth zod for validating what the server sends and every message.
   */
  backgroundBytes: 512 * 1024,
  /**
   * The nudge, from the page's DOMContentLoaded to the nudge in the page, in real Chromium
   * (`npm run bench:nudge`): before the page is usable, so nobody types before seeing the
   * policy. Warm: the service worker is running; cold: it was stopped before the navigation.
   */
  nudgeWarmMedianMs: 50,
  nudgeWarmP95Ms: 100,
  nudgeColdMedianMs: 150,
  /**
   * What the extension adds to a catalog page's own DOMContentLoaded (`npm run bench:nudge`:
   * the median of paired differences with the same page without the extension, warm). On an
   * allowed tool only the nudge decision and the guard's listener run before it; a nudged
   * tool also gets the nudge's UI, rendered before the page is usable on purpose.
   */
  pageAddedDclAllowedMs: 15,
  pageAddedDclNudgedMs: 30,
  /**
   * A person's paste of ordinary text, from the Ctrl+V keystroke to the text in the prompt
   * box, on the first paste of a page: the guard's detectors are injected then, so that paste
   * is held until they decided it. 100 ms is where a response stops feeling instant.
   */
  guardFirstPasteP95Ms: 100,
  /** Gzipped JavaScript the dashboard loads before it first renders. */
  dashboardInitialJsGzipBytes: 80 * 1024,
  /** The compiled catalog index the extension and the worker load. */
  compiledIndexBytes: 150 * 1024,
  /**
   * Report ingest against a route that touches no database on the same worker: fresh
   * reports per second over floor requests per second, measured interleaved in one run
   * (`npm run bench:load`), so the machine's speed and noise cancel out.
   */
  ingestMinRatioToFloor: 0.8,
  /** Every admin view at p50 on a year of a 10,000-device organization (`npm run bench:worker`). */
  dashboardViewP50Ms: 100,
  /** Cold load of the compiled index, in milliseconds. */
  indexColdLoadMs: 5,
  /** Matcher speed targets against its peers (p50 ratios). */
  matcherSpeedupVsGhostery: 10,
  matcherSpeedupVsUbo: 4,
  matcherMaxRatioToParseFloor: 1.3,
  /**
   * Our matcher (path rules, shared hosts) against a plain lookup of the hostname and its
   * parents in a Set of the catalog's hosts after the platform URL parser: never slower than
   * what a blocklist would do (measured 0.43).
   */
  matcherMaxRatioToHostsLookup: 1,
  /** Heap and external memory our matcher's code and built index take (measured 0.34 MB). */
  matcherMaxMemoryBytes: 2 * 1024 * 1024,
  /** Time the guard may add to a paste (p95, default policy), held by `npm run bench:guard`. */
  guardScan10KbP95Ms: 5,
  guardScan1MbP95Ms: 30,
  /**
   * The same budget as a ratio that holds on a busy machine, held by a test in `npm test`:
   * scanning 1 MB may take at most this many times a reference workload of simple regular
   * expressions over the same text (test/support/guard-timing.ts), measured back to back.
   * Measured 0.36 to 0.38 at a load average of 0.7 (0.66 to 0.68 while every detector searched
   * the whole text); 1.5 means it got clearly slower.
   */
  guardScanMaxReferenceRatio: 1.5,
  // D1 rows written (what Cloudflare bills) by device requests, metered in
  // test/worker/cost.test.ts; the README's cost estimate rests on them.
  /**
   * A device's first report of a day, three counters (measured: 48: the counters, the
   * organization's totals and device counts per day, the device's first and last days, and
   * the indexes the dashboard reads totals and spans by).
   */
  rowsWrittenPerFirstReport: 50,
  /** A later report in which one counter grew (measured: 5, the total's index included). */
  rowsWrittenPerReport: 6,
  /** A re-send in which nothing grew (measured: 2, the device's last-report day). */
  rowsWrittenPerResend: 2,
} as const;
