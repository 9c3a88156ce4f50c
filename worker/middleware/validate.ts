import { zValidator } from "@hono/zod-validator";
import type * as z from "zod";
import { describeIssues } from "../../shared/policy/schema";

/**
 * Validates a JSON body with a shared zod schema. A refusal is a 400 naming every problem by
 * field, and the handler (and so the database) is never reached.
 */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return zValidator("json", schema, (result, c) => {
    if (!result.success) {
      return c.json({ error: "invalid request body", issues: describeIssues(result.error) }, 400);
    }
  });
}

/** Validates the query string the same way (a 400 naming every problem). */
export function queryParams<T extends z.ZodType>(schema: T) {
  return zValidator("query", schema, (result, c) => {
    if (!result.success) {
      return c.json({ error: "invalid query parameters", issues: describeIssues(result.error) }, 400);
    }
  });
}
