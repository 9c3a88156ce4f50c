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
  /** Minutes between two scheduled flushes of the extension. */
  flushPeriodMinutes: 15,
  /** Days of counters the extension keeps locally. */
  extensionKeepDays: 35,
  /** Distinct unknown AI domains the extension keeps per day; visits beyond are only counted. */
  maxCandidatesPerDay: 200,
  /** Longest group label, in characters. */
  maxGroupLength: 64,
} as const;

/** Size and speed budgets, held by `npm run bench` and by the build tests. */
export const BUDGETS = {
  /** The content script runs on every catalog page: keep it small. */
  contentScriptBytes: 60 * 1024,
  /**
   * The background is loaded once per service-worker start, never into pages. About a third
   * is the public-suffix list (tldts, so unknown AI sites are reported as registrable domain
   * only), a fifth the compiled catalog, a sixth zod for validating what the server sends.
   */
  backgroundBytes: 512 * 1024,
  /** Gzipped JavaScript the dashboard loads before it first renders. */
  dashboardInitialJsGzipBytes: 80 * 1024,
  /** The compiled catalog index the extension and the worker load. */
  compiledIndexBytes: 150 * 1024,
  /** Cold load of the compiled index, in milliseconds. */
  indexColdLoadMs: 5,
  /** Matcher speed targets against its peers (p50 ratios). */
  matcherSpeedupVsGhostery: 10,
  matcherSpeedupVsUbo: 4,
  matcherMaxRatioToParseFloor: 1.3,
} as const;
