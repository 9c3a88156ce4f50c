/** The worker's bindings and configuration (wrangler.toml, .dev.vars, secrets). */
export interface Env {
  DB: D1Database;
  ASSETS?: Fetcher;
  /** The bootstrap enrollment token (a secret in production, `.dev.vars` locally). */
  ENROLLMENT_TOKEN?: string;
  /**
   * "1" lets the local admin and viewer tokens sign in (only on loopback, and never when
   * Cloudflare Access is configured). `npm start`, the tests and benchmarks set it.
   */
  LOCAL_ADMIN?: string;
  /** Admin and read-only bearer tokens, accepted only on requests to localhost. */
  ADMIN_TOKEN?: string;
  VIEWER_TOKEN?: string;
  /** Cloudflare Access: team domain (https://<team>.cloudflareaccess.com) and audience tag. */
  ACCESS_TEAM_DOMAIN?: string;
  ACCESS_AUD?: string;
  /** Optional pinned JWKS (JSON) instead of fetching the team's published keys. */
  ACCESS_JWKS?: string;
  /** Comma-separated e-mails or `*@domain` entries with the admin and viewer roles. */
  ACCESS_ADMINS?: string;
  ACCESS_VIEWERS?: string;
  /** Whether devices report counts ("false" keeps nudges only). */
  REPORTING?: string;
  /** Smallest device group any breakdown shows (default LIMITS.kAnonymity). */
  K_ANONYMITY?: string;
  /** Device cap of the bootstrap ENROLLMENT_TOKEN (default LIMITS.bootstrapMaxDevices). */
  ENROLLMENT_TOKEN_MAX_DEVICES?: string;
  /**
   * How reports are applied: "direct" (default) writes each one before answering; "queue"
   * hands them to REPORTS_QUEUE, whose consumer writes many devices' reports in one batch.
   */
  INGEST_MODE?: string;
  /** The Cloudflare Queue of reports (wrangler.toml `[[queues.producers]]`), for INGEST_MODE "queue". */
  REPORTS_QUEUE?: Queue;
  /** Rate Limiting bindings (wrangler.toml `[[ratelimits]]`, see middleware/rate-limit.ts). */
  ENROLL_BY_ADDRESS?: RateLimit;
  ENROLL_BY_TOKEN?: RateLimit;
  DEVICE_REQUESTS?: RateLimit;
  /** Ed25519 private key (JWK) that signs evidence packs; `npm run --silent evidence-key` makes one. */
  EVIDENCE_SIGNING_KEY?: string;
  /** Where the cron posts webhook events, and the secret their HMAC-SHA256 signature uses. */
  WEBHOOK_URL?: string;
  WEBHOOK_SECRET?: string;
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    deviceId: string;
    actor: string;
    role: "viewer" | "admin";
  };
};
