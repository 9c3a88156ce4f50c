/**
 * Pastes built to make the guard's detectors work hard: a megabyte each of what their
 * expressions and the digit pre-pass react to. Shared by the hostile-input test (characters
 * examined per step) and `npm run bench:guard` (how long the page is kept busy).
 */
const ONE_MB = 1_000_000;

export const HOSTILE_PASTES: Readonly<Record<string, string>> = {
  // One digit cluster a megabyte long, with no separator and with each kind of separator.
  digits: "4".repeat(ONE_MB),
  "digit groups": "4111 ".repeat(ONE_MB / 5),
  "dashed digits": "123-45-".repeat(ONE_MB / 7),
  "dotted digits": "1.".repeat(ONE_MB / 2),
  // Many clusters whose heads or tails the number detectors try, too far apart to search together.
  "cluster heads": `${"123456789012345".padEnd(37, "x")}`.repeat(ONE_MB / 37),
  "cluster tails": "12345678Z  ".repeat(ONE_MB / 11),
  "corsican departments": `${"2A12345678".padEnd(22, "x")}`.repeat(ONE_MB / 22),
  base64: "AKIA".repeat(ONE_MB / 4),
  "at signs": "a@".repeat(ONE_MB / 2),
  "long local part": `${"a".repeat(ONE_MB - 20)}@example.com`,
  "token prefixes": "sk-ant-api03-".repeat(ONE_MB / 13),
  "jwt headers": "eyJhbGciOiJIUzI1NiJ9.".repeat(ONE_MB / 21),
  "pem headers": "-----BEGIN PRIVATE KEY-----\n".repeat(ONE_MB / 28),
  "iban starts": "DE89 ".repeat(ONE_MB / 5),
  markings: "CONFIDENTIAL ".repeat(ONE_MB / 13),
};
