/** Check-digit rules several detectors share. Every function takes ASCII digits/letters only. */

/** Luhn (ISO/IEC 7812-1 Annex B): payment cards and other identifiers. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * ISO 7064 MOD 97-10 over an alphanumeric string (letters count as 10..35), computed piece
 * by piece so it never leaves the safe-integer range. IBAN check digits make this 1.
 */
export function mod97(text: string): number {
  let remainder = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else remainder = (remainder * 100 + (code - 55)) % 97;
  }
  return remainder;
}

/** ISO 7064 MOD 11,10: the check digit of the German tax id (and VAT number). */
export function mod11_10CheckDigit(digits: string): number {
  let product = 10;
  for (let i = 0; i < digits.length; i++) {
    let sum = (digits.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (2 * sum) % 11;
  }
  const check = 11 - product;
  return check === 10 ? 0 : check;
}

/** The digits of a string, without the separators people type between groups. */
export function digitsOf(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) out += text[i];
  }
  return out;
}
