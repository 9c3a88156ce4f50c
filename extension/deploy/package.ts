/**
 * `npm run package`: store packages for Chrome, Edge and Firefox, and self-hosted ones when
 * SHADOWLIGHT_CRX_KEY and SHADOWLIGHT_UPDATE_URL are set (see packages.ts and
 * extension/deploy/README.md).
 */
import { relative } from "node:path";
import { buildPackages, optionsFromEnv } from "./packages";

async function main(): Promise<void> {
  const options = optionsFromEnv(process.env);
  const summary = await buildPackages(options);
  console.log(`Shadowlight ${summary.version} packages in ${relative(process.cwd(), options.outDir) || "."}:`);
  for (const file of summary.files) {
    console.log(`  ${file.file.padEnd(44)} ${(file.bytes / 1024).toFixed(1).padStart(8)} KB  ${file.target}`);
  }
  console.log(`Server URL baked in: ${summary.serverUrl || "none (managed settings or the options page)"}`);
  if (summary.chromeId) console.log(`Self-hosted Chrome/Edge extension id: ${summary.chromeId}`);
  console.log(`Firefox add-on id: ${summary.geckoId}`);
  for (const note of summary.notes) console.log(`Note: ${note}`);
}

main().catch((error: Error) => {
  console.error(`npm run package: ${error.message}`);
  process.exit(1);
});
