import * as z from "zod";
import { LIMITS } from "./limits";

/**
 * A device's coarse group label (a department, a site), as an enrollment asks for it and the
 * server decides it. Apart from the protocol (which re-exports it) so the extension's settings
 * can check one without evaluating every message schema.
 */
export const groupLabel = z
  .string()
  .min(1)
  .max(LIMITS.maxGroupLength)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/-]*$/u, "must be letters, digits, spaces and . _ / -");
