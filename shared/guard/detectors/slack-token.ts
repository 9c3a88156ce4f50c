/**
 * slack-token: Slack API tokens.
 *
 * Matches xoxb- (bot), xoxp- (user), xoxa- and xoxr- (legacy workspace and refresh),
 * xoxe- and xoxe.xoxp- / xoxe.xoxb- (rotating tokens and their refresh tokens) and xapp-
 * (app-level) tokens: the prefix, a numeric segment, and at least nine more characters.
 *
 * Sources: Slack, "Tokens" (https://docs.slack.dev/authentication/tokens) and "Using token
 * rotation" (https://docs.slack.dev/authentication/using-token-rotation); example tokens on
 * the oauth.v2.exchange reference (xoxp-12345-67890-1928471-abcdefg).
 *
 * Known limits: browser session tokens (xoxc-, xoxd-) are not covered.
 */
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

export const slackToken = fixedDetector(
  "slack-token",
  "Slack token",
  "credential",
  regexFinder({
    detector: "slack-token",
    pattern: /(?<![\w.-])(?:xox[bpar]|xoxe(?:\.xox[bp])?|xapp)-\d{1,20}-[0-9A-Za-z][0-9A-Za-z-]{8,250}(?![\w-])/g,
    maxLength: 285,
    needles: [
      { text: "xox", at: 0 },
      { text: "xapp-", at: 0 },
    ],
    preview: (matched) => mask(matched, 4, 2),
  }),
);
