/**
 * `npm start`: the whole product on this machine (worker/dev/serve.ts) on the local D1 under
 * `.wrangler/state`, which keeps what the extension reports across restarts. Runs until
 * interrupted.
 */
import { serve } from "./serve";

await serve({ heading: "Shadowlight is running" });
