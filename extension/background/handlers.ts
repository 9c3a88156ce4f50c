import { blockedEvent, blockedView } from "./blocking";
import { browserNotice } from "./discovery/browser-notice";
import { guardOutcome, injectGuardEngine, serveGuard } from "./guard";
import { nudgeForSender } from "./handover";
import { lessonAnswered, lessonOpened } from "./lessons";
import { nudgeAnswered, nudgeShown, nudgeTampered } from "./nudges";
import { reviewRequests } from "./review-requests";
import type { Handlers } from "./router";
import { status } from "./status";
import { synchronize } from "./sync";

/** What the background does for each message (already validated by the router). */
export const handlers: Handlers = {
  "nudge:get": (_request, sender) => nudgeForSender(sender),
  "nudge:shown": (request, sender) => nudgeShown(request, sender),
  "nudge:answer": (request, sender) => nudgeAnswered(request, sender),
  "nudge:tampered": (request, sender) => nudgeTampered(request, sender),
  "guard:get": (_request, sender) => serveGuard(sender),
  "guard:outcome": (request, sender) => guardOutcome(request, sender),
  "guard:engine": (_request, sender) => injectGuardEngine(sender),
  "lesson:opened": (request, sender) => lessonOpened(request, sender),
  "lesson:answer": (request, sender) => lessonAnswered(request, sender),
  "blocked:get": (request) => blockedView(request),
  "blocked:event": (request) => blockedEvent(request),
  "status:get": (request) => status(request),
  // "Send now": the policy and catalog too, so a change an admin just published is in force.
  "report:flush": () => synchronize(),
  "reviews:get": () => reviewRequests(),
  "browser:notice": () => browserNotice(),
};
