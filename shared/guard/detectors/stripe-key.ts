/**
 * stripe-key: Stripe live secret and restricted API keys.
 *
 * Matches sk_live_ (secret key) and rk_live_ (restricted key) followed by 10 to 247 letters
 * and digits. Test-mode keys (sk_test_) cannot move money and publishable keys (pk_) are
 * meant to be public; neither is flagged.
 *
 * Sources: Stripe, "API keys" (https://docs.stripe.com/keys); the pattern Stripe's security
 * team gave GitLab for secret detection, (sk|rk)_live_[0-9a-z]{10,128} case-insensitive
 * (https://gitlab.com/gitlab-org/gitlab/-/issues/458019).
 *
 * Known limits: none known.
 */
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

export const stripeKey = fixedDetector(
  "stripe-key",
  "Stripe live API key",
  "credential",
  regexFinder({
    detector: "stripe-key",
    pattern: /(?<![\w])[sr]k_live_[0-9A-Za-z]{10,247}(?![\w])/g,
    maxLength: 255,
    needles: [{ text: "_live_", at: 2 }],
    preview: (matched) => mask(matched, 8, 2),
  }),
);
