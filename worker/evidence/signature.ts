import canonicalize from "canonicalize";
import { sha256Hex } from "../crypto";

/*
 * Signed evidence packs. A pack is serialized as canonical JSON (RFC 8785: keys sorted, no
 * whitespace, one spelling for every number and string), signed with Ed25519 over that
 * serialization without its `signature` member, and delivered as the canonical JSON of the
 * whole pack, signature included. A verifier therefore checks two things: the file is
 * exactly the canonical serialization of what it contains (so no byte can change, not even
 * whitespace), and the signature holds over the pack without its signature. Packs name their
 * predecessor's SHA-256, so a series of packs is tamper-evident too.
 *
 * Everything here is WebCrypto, which workerd and Node share: the worker signs, and
 * `npm run verify-evidence` checks a downloaded pack with the same code.
 */

export interface PackSignature {
  algorithm: "Ed25519";
  /** The signing key's public half, base64url of its 32 raw bytes. */
  publicKey: string;
  /** base64url of the 64-byte signature. */
  value: string;
}

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** RFC 8785 canonical JSON of a value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("nothing to serialize");
  return text;
}

/** An Ed25519 private key in JWK form (`{"kty":"OKP","crv":"Ed25519","d":...,"x":...}`). */
export interface SigningKey {
  privateKey: CryptoKey;
  publicKey: string;
}

/** Reads the signing key from its configured JWK text; a clear error when it is malformed. */
export async function importSigningKey(jwkText: string): Promise<SigningKey> {
  let jwk: JsonWebKey;
  try {
    jwk = JSON.parse(jwkText) as JsonWebKey;
  } catch {
    throw new Error("EVIDENCE_SIGNING_KEY is not JSON: expected an Ed25519 private key as a JWK");
  }
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.d !== "string" || typeof jwk.x !== "string") {
    throw new Error("EVIDENCE_SIGNING_KEY must be an Ed25519 private key as a JWK (kty OKP, crv Ed25519, d and x)");
  }
  const privateKey = await crypto.subtle.importKey("jwk", jwk, { name: "Ed25519" }, false, ["sign"]);
  return { privateKey, publicKey: jwk.x };
}

/**
 * Signs a pack: returns the canonical JSON text of the pack with its signature, exactly the
 * bytes to deliver, and their SHA-256 (what the next pack names as its predecessor).
 */
export async function signPack(
  pack: Record<string, unknown>,
  key: SigningKey,
): Promise<{ text: string; sha256: string; signature: PackSignature }> {
  // Each top-level member is serialized once, in RFC 8785's order (keys compared by UTF-16
  // code units, as JavaScript compares strings): the signed text is the unsigned one with the
  // signature member put in its place, not the whole pack serialized again.
  const members = Object.entries(pack)
    .filter(([name, value]) => name !== "signature" && value !== undefined)
    .map(([name, value]): [string, string] => [name, `${JSON.stringify(name)}:${canonicalJson(value)}`]);
  const serialized = (list: Array<[string, string]>) =>
    `{${[...list]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, member]) => member)
      .join(",")}}`;
  const unsigned = serialized(members);
  const value = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, encoder.encode(unsigned)));
  const signature: PackSignature = { algorithm: "Ed25519", publicKey: key.publicKey, value: base64url(value) };
  const text = serialized([...members, ["signature", `"signature":${canonicalJson(signature)}`]]);
  return { text, sha256: await sha256Hex(text), signature };
}

export type Verification =
  | { ok: true; publicKey: string; sha256: string; previousHash: string | null }
  | { ok: false; reason: string };

/**
 * Checks a delivered pack's exact text: canonical form, then the signature over the pack
 * without it. With `expectedKey`, the pack must also be signed by that key (the one the
 * organization's server publishes); without it, the caller should compare `publicKey`.
 */
export async function verifyPackText(text: string, expectedKey?: string): Promise<Verification> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { ok: false, reason: "not a pack" };
  const { signature, ...pack } = parsed as Record<string, unknown> & { signature?: Partial<PackSignature> };
  if (canonicalJson(parsed) !== text) {
    return {
      ok: false,
      reason: "the file is not the pack as it was delivered (its bytes differ from its canonical form)",
    };
  }
  if (signature?.algorithm !== "Ed25519" || typeof signature.publicKey !== "string") {
    return { ok: false, reason: "the pack carries no Ed25519 signature" };
  }
  if (expectedKey !== undefined && signature.publicKey !== expectedKey) {
    return { ok: false, reason: "the pack was signed by another key than the one expected" };
  }
  try {
    const publicKey = await crypto.subtle.importKey(
      "raw",
      fromBase64url(signature.publicKey),
      { name: "Ed25519" },
      false,
      ["verify"],
    );
    const valid = await crypto.subtle.verify(
      { name: "Ed25519" },
      publicKey,
      fromBase64url(String(signature.value ?? "")),
      encoder.encode(canonicalJson(pack)),
    );
    if (!valid) return { ok: false, reason: "the signature does not match the pack's content" };
  } catch (error) {
    return { ok: false, reason: `the signature cannot be checked: ${(error as Error).message}` };
  }
  const previousHash = typeof pack.previousHash === "string" ? pack.previousHash : null;
  return { ok: true, publicKey: signature.publicKey, sha256: await sha256Hex(text), previousHash };
}
