import type { ManagedSettings } from "./settings";

/*
 * Google Admin console, Chrome browser > Apps & extensions > the extension > "Policy for
 * extensions": JSON in the cloud-policy form, each setting wrapped as {"Value": ...}.
 */
export function googleAdminPolicy(settings: ManagedSettings): Record<string, { Value: unknown }> {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, { Value: value }]));
}
