/** The worker's bindings and configuration (wrangler.toml, .dev.vars, secrets). */
export interface Env {
  DB: D1Database;
  ASSETS?: Fetcher;
  /** The bootstrap enrollment token (a secret in production, `.dev.vars` locally). */
  ENROLLMENT_TOKEN?: string;
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
}

export type AppEnv = { Bindings: Env; Variables: { deviceId: string; actor: string; role: "viewer" | "admin" } };
