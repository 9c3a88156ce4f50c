import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { newEvidenceKey, ROOT } from "../../worker/dev/local";
import { canonicalJson, importSigningKey, signPack, verifyPackText } from "../../worker/evidence/signature";

/* `npm run --silent verify-evidence FILE`: exit 0 for an untouched pack, 1 for any changed byte. */

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "shadowlight-evidence-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function verify(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(join(ROOT, "node_modules/.bin/tsx"), ["worker/dev/verify-evidence.ts", ...args], {
      cwd: ROOT,
    });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("verify-evidence", () => {
  it("accepts an untouched pack and its chain, and refuses any changed byte", { timeout: 60_000 }, async () => {
    const key = await importSigningKey(newEvidenceKey());
    const first = await signPack(
      { format: 2, figures: [{ id: "a", numerator: 3, denominator: 4 }], previousHash: null },
      key,
    );
    const second = await signPack({ format: 2, figures: [], previousHash: first.sha256 }, key);
    const firstFile = write("first.json", first.text);
    const secondFile = write("second.json", second.text);

    const valid = await verify(secondFile, "--key", key.publicKey, "--previous", firstFile);
    expect(valid.code, valid.output).toBe(0);
    expect(valid.output).toContain(second.sha256);

    const changed = [
      first.text.replace('"numerator":3', '"numerator":4'),
      first.text.replace("{", "{ "),
      `${first.text}\n`,
    ];
    for (const [i, text] of changed.entries()) {
      const result = await verify(write(`changed-${i}.json`, text));
      expect(result.code, text.slice(0, 60)).toBe(1);
      expect(result.output).toMatch(/NOT VALID/);
    }
    expect((await verify(firstFile, "--key", "another-key")).code).toBe(1);
    expect((await verify(secondFile, "--previous", secondFile)).code).toBe(1);
    expect((await verify()).code).toBe(2);
    expect((await verify(join(dir, "missing.json"))).code).toBe(2);
  });

  it("delivers the canonical serialization of the signed pack, whatever its members' names", async () => {
    const key = await importSigningKey(newEvidenceKey());
    // Names around "signature" in RFC 8785's order, numbers and strings with one spelling only.
    const pack = {
      z: [1e21, 0.1, -0, "\u2028"],
      sig: { b: 1, a: 2 },
      signaturf: null,
      "\u00e9t\u00e9": "summer",
      Signature: true,
      a: { "\ud83d\ude00": 1, "\uff61": 2 },
      skipped: undefined,
    };
    const { text, signature } = await signPack(pack, key);
    expect(text).toBe(canonicalJson({ ...pack, signature }));
    expect(await verifyPackText(text, key.publicKey)).toMatchObject({ ok: true });
  });
});
