/**
 * `npm run --silent verify-evidence FILE [--key PUBLIC_KEY] [--previous FILE]`: checks a
 * downloaded evidence pack (the JSON of GET /api/admin/evidence). Exit 0 when the file is
 * exactly the signed pack; 1 when any byte was changed, the signature does not hold, it was
 * signed by another key than `--key` (the one GET /api/admin/evidence/key shows), or it does
 * not follow `--previous`; 2 for a usage error.
 */
import { readFileSync } from "node:fs";
import { sha256Hex } from "../crypto";
import { verifyPackText } from "../evidence/signature";

function usage(message: string): never {
  console.error(`${message}\nusage: npm run --silent verify-evidence FILE [--key PUBLIC_KEY] [--previous FILE]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let file: string | undefined;
let key: string | undefined;
let previous: string | undefined;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === "--key") key = args[++i] ?? usage("--key needs a value");
  else if (arg === "--previous") previous = args[++i] ?? usage("--previous needs a file");
  else if (arg?.startsWith("--")) usage(`unknown option ${arg}`);
  else if (file === undefined) file = arg;
  else usage(`unexpected argument ${arg}`);
}
if (!file) usage("no file given");

function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    return usage(`cannot read ${path}: ${(error as Error).message}`);
  }
}

const result = await verifyPackText(read(file), key);
if (!result.ok) {
  console.log(`NOT VALID: ${file}: ${result.reason}`);
  process.exit(1);
}
if (previous !== undefined) {
  const previousHash = await sha256Hex(read(previous));
  if (result.previousHash !== previousHash) {
    console.log(`NOT VALID: ${file} does not follow ${previous} (it names ${result.previousHash ?? "no pack"})`);
    process.exit(1);
  }
}
console.log(`valid: ${file}
  sha256       ${result.sha256}
  signed by    Ed25519 ${result.publicKey}${key ? " (the key expected)" : " (compare with the key the server shows)"}
  follows      ${result.previousHash ?? "no earlier pack"}`);
