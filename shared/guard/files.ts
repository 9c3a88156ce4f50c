/**
 * Which files the guard reads. A file pasted, dropped or chosen in an AI tool is judged by its
 * name, type and size alone, on the device, to decide whether any detector could read it:
 * only text can be scanned, so only text files of at most the policy's size are opened.
 * Images, PDFs, office documents and archives are never read. The name never leaves the
 * device either; nothing of a file is counted but what the scan of its text finds.
 */

/** MIME types whose contents are text (beside every text/*). */
const TEXT_TYPES = new Set([
  "application/json",
  "application/ld+json",
  "application/xml",
  "application/yaml",
  "application/x-yaml",
  "application/toml",
  "application/sql",
  "application/javascript",
  "application/typescript",
  "application/x-sh",
  "application/x-pem-file",
  "application/x-x509-ca-cert",
  "application/pgp-keys",
  "application/x-ndjson",
]);

/** Name endings of text files browsers often give no type (or application/octet-stream). */
const TEXT_ENDINGS =
  /\.(?:txt|text|csv|tsv|md|markdown|json|jsonl|ndjson|ya?ml|xml|toml|ini|cfg|conf|config|properties|env|pem|key|crt|cer|pub|asc|log|sql|sh|bash|zsh|ps1|bat|py|rb|js|mjs|cjs|ts|tsx|jsx|java|kt|go|rs|c|h|cc|cpp|hpp|cs|php|swift|scala|r|tf|tfvars|hcl|html?|css|vue|svelte|gradle|dockerfile|npmrc|netrc|pgpass|htpasswd)$/i;
/** Names without an ending that hold secrets (SSH keys, dotfiles). */
const TEXT_NAMES =
  /^(?:\.env(?:\..+)?|id_(?:rsa|dsa|ecdsa|ed25519)|credentials|\.npmrc|\.netrc|\.pgpass|dockerfile|makefile)$/i;

export interface FileFacts {
  name: string;
  type: string;
  size: number;
}

/** Whether a file is text the guard may read under the policy's limit. */
export function readableAsText(file: FileFacts, maxBytes: number): boolean {
  if (file.size === 0 || file.size > maxBytes) return false;
  const type = file.type.toLowerCase().split(";")[0]?.trim() ?? "";
  if (type.startsWith("text/") || TEXT_TYPES.has(type)) return true;
  if (type !== "" && type !== "application/octet-stream") return false;
  const name = file.name.split(/[\\/]/).pop() ?? "";
  return TEXT_ENDINGS.test(name) || TEXT_NAMES.test(name);
}
