import { zValidator } from "@hono/zod-validator";
import type * as z from "zod";
import { describeIssues } from "../../shared/policy/schema";
import { refuse } from "../errors";

/**
 * Validates a JSON body with a shared zod schema. A refusal is a 400 naming every problem by
 * field, and the handler (and so the database) is never reached.
 */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return zValidator("json", schema, (result, c) => {
    if (!result.success) {
      return refuse(c, 400, "invalid_request", "invalid request body", { issues: describeIssues(result.error) });
    }
  });
}

/** Validates the query string the same way (a 400 naming every problem). */
export function queryParams<T extends z.ZodType>(schema: T) {
  return zValidator("query", schema, (result, c) => {
    if (!result.success) {
      return refuse(c, 400, "invalid_request", "invalid query parameters", { issues: describeIssues(result.error) });
    }
  });
}
