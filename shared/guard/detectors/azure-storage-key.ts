/**
 * azure-storage-key: Azure Storage account keys in connection strings.
 *
 * Matches "AccountKey=" followed by a 512-bit key in base64 (86 characters and "=="), as in
 * DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net.
 *
 * Source: Microsoft Learn, "Configure Azure Storage connection strings"
 * (https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string).
 *
 * Known limits: a key pasted without "AccountKey=" is not found; shared access signatures
 * (SAS tokens) are not covered.
 */
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

export const azureStorageKey = fixedDetector(
  "azure-storage-key",
  "Azure Storage account key",
  "credential",
  regexFinder({
    detector: "azure-storage-key",
    pattern: /(?<![\w])AccountKey=[A-Za-z0-9+/]{86}==/g,
    maxLength: 99,
    needles: [{ text: "Key=", at: 7 }],
    preview: (matched) => `AccountKey=${mask(matched.slice("AccountKey=".length), 0, 2)}`,
  }),
);
