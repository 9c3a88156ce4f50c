import { createHash } from "node:crypto";
import { build } from "plist";

/*
 * macOS configuration profiles (for Jamf, Intune or any MDM): one payload whose type is the
 * browser's preference domain, holding the same policy keys as the Linux JSON. UUIDs derive
 * from the identifier, so a regenerated profile replaces the installed one instead of
 * installing beside it.
 */
function stableUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

export function mobileconfig(options: {
  identifier: string;
  displayName: string;
  description: string;
  domain: string;
  policy: Record<string, unknown>;
}): string {
  const payload = {
    PayloadType: options.domain,
    PayloadIdentifier: `${options.identifier}.${options.domain}`,
    PayloadUUID: stableUuid(`${options.identifier}.${options.domain}`),
    PayloadVersion: 1,
    PayloadDisplayName: options.displayName,
    ...options.policy,
  };
  return build({
    PayloadType: "Configuration",
    PayloadVersion: 1,
    PayloadIdentifier: options.identifier,
    PayloadUUID: stableUuid(options.identifier),
    PayloadDisplayName: options.displayName,
    PayloadDescription: options.description,
    PayloadOrganization: "Shadowlight",
    PayloadScope: "System",
    PayloadContent: [payload],
  });
}
