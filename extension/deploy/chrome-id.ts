import { createHash, createPrivateKey, createPublicKey } from "node:crypto";

/*
 * A Chrome extension id is derived from the public key that signs its CRX: the first 16 bytes
 * of the SHA-256 of the key's DER (SubjectPublicKeyInfo), each hex digit written as a letter
 * from a to p. The same key in the manifest's `key` gives an unpacked build the same id.
 */

/** The DER (SubjectPublicKeyInfo) of the public half of a PEM private key. */
export function publicKeyDer(privateKeyPem: string): Buffer {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== "rsa") {
    throw new Error(`the CRX signing key must be an RSA key, not ${privateKey.asymmetricKeyType}`);
  }
  return createPublicKey(privateKey).export({ type: "spki", format: "der" });
}

export function chromeExtensionId(publicKey: Buffer): string {
  const hex = createHash("sha256").update(publicKey).digest("hex").slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 16))).join("");
}

/** A Chrome extension id: 32 letters from a to p. */
export const CHROME_ID_PATTERN = /^[a-p]{32}$/;
