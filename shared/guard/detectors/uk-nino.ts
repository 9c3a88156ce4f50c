/**
 * uk-nino: United Kingdom National Insurance numbers.
 *
 * Matches two prefix letters, six digits and a suffix letter A-D, together or as
 * "QQ 12 34 56 A". The prefix follows HMRC's rules: neither letter is D, F, I, Q, U or V,
 * the second is not O, and BG, GB, KN, NK, NT, TN and ZZ are never used. There is no check
 * character.
 *
 * Source: HMRC National Insurance Manual NIM39110, "What a NINO looks like"
 * (https://www.gov.uk/hmrc-internal-manuals/national-insurance-manual/nim39110).
 *
 * Known limits: numbers written in lower case or without their suffix letter are not found;
 * reference codes that happen to have the same shape are.
 */
import { CAPITALS } from "../capitals";
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

export const ukNino = fixedDetector(
  "uk-nino",
  "UK National Insurance number",
  "national-id",
  regexFinder({
    detector: "uk-nino",
    pattern:
      /(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]( ?)\d{2}\1\d{2}\1\d{2}\1[A-D](?![A-Za-z0-9])/g,
    maxLength: 13,
    starts: CAPITALS,
    preview: (matched) => mask(matched, 2, 0),
  }),
);
