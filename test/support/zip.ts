import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import JSZip from "jszip";

/** Unpacks a zip (a store package, an XPI) into a folder, as a browser or a store would read it. */
export async function unzipTo(file: string, into: string): Promise<string> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    const path = join(into, entry.name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, await entry.async("nodebuffer"));
  }
  return into;
}
