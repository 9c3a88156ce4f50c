/**
 * `npm run --silent evidence-key`: a new Ed25519 key for signing evidence packs. Prints the
 * private key (JWK) for `wrangler secret put EVIDENCE_SIGNING_KEY` on stdout, and its public
 * half, which auditors compare packs with, on stderr.
 */
import { newEvidenceKey } from "./local";

const key = newEvidenceKey();
console.log(key);
console.error(`public key: ${(JSON.parse(key) as { x: string }).x}`);
