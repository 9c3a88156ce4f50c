/**
 * google-api-key: Google Cloud / Google Maps / Firebase API keys.
 *
 * Matches "AIza" followed by 35 characters of A-Z, a-z, 0-9, "-" and "_" (39 in all).
 *
 * Source: Google Cloud, "Manage API keys" (https://cloud.google.com/docs/authentication/api-keys),
 * whose example key string AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe has this shape.
 *
 * Known limits: keys meant to be public (a website's Maps key) are found like private ones.
 */
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

export const googleApiKey = fixedDetector(
  "google-api-key",
  "Google API key",
  "credential",
  regexFinder({
    detector: "google-api-key",
    pattern: /(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])/g,
    maxLength: 39,
    needles: [{ text: "AIza", at: 0 }],
    preview: (matched) => mask(matched, 4, 2),
  }),
);
