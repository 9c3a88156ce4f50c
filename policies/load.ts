import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SourceFile } from "../shared/catalog/validate";

const POLICIES_DIR = new URL(".", import.meta.url).pathname;
export const DIST_DIR = join(POLICIES_DIR, "dist");

async function readFolder(folder: string): Promise<SourceFile[]> {
  const names = (await readdir(join(POLICIES_DIR, folder))).filter((name) => name.endsWith(".json")).sort();
  return Promise.all(
    names.map(async (name) => ({
      path: `${folder}/${name}`,
      text: await readFile(join(POLICIES_DIR, folder, name), "utf8"),
    })),
  );
}

/** Every catalog file, as text, in a stable order. */
export async function readCatalogFiles(): Promise<{
  tools: SourceFile[];
  vendors: SourceFile[];
  categories: SourceFile[];
  extensions: SourceFile[];
  browsers: SourceFile[];
}> {
  const [tools, vendors, categories, extensions, browsers] = await Promise.all([
    readFolder("tools"),
    readFolder("vendors"),
    readFolder("categories"),
    readFolder("extensions"),
    readFolder("browsers"),
  ]);
  return { tools, vendors, categories, extensions, browsers };
}

export async function readPolicyFile(): Promise<SourceFile> {
  const path = "default-policy.json";
  return { path, text: await readFile(join(POLICIES_DIR, path), "utf8") };
}

/** Every lesson file (`lessons/<id>.json`), as text, in a stable order. */
export function readLessonFiles(): Promise<SourceFile[]> {
  return readFolder("lessons");
}
