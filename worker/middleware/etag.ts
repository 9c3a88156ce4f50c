import { etag, RETAINED_304_HEADERS } from "hono/etag";

/**
 * ETag / If-None-Match for the device API: an unchanged policy or catalog costs a 304 and no
 * body. A 304 keeps the CORS headers too: without them the browser refuses the answer and the
 * extension would take an unchanged policy for an unreachable server.
 */
export const deviceEtag = () =>
  etag({
    retainedHeaders: [...RETAINED_304_HEADERS, "access-control-allow-origin", "access-control-expose-headers", "vary"],
  });
