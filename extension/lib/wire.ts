/**
 * The schemas of what the server answers (shared/protocol.ts, with the policy's and the
 * lessons'), evaluated the first time an answer is checked rather than at every start of the
 * service worker: building them took about a third of the background's start-up, and the
 * browser starts it again after every 30 s of idleness, often for a navigation that needs a
 * nudge decision and no server at all. Nothing in the background may import these modules
 * statically (test/conventions/background-start.test.ts holds that), or they are evaluated at start again.
 */
export function wire(): Promise<typeof import("../../shared/protocol")> {
  return import("../../shared/protocol");
}
