/**
 * A URL a deployment names (server, update service, download): https, or http on this
 * machine for local trials; never with credentials. Throws a message that names the setting.
 */
export function deploymentUrl(name: string, value: string, { allowFile = false } = {}): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be a URL, got "${value}"`);
  }
  const local = url.hostname === "127.0.0.1" || url.hostname === "localhost";
  const allowed =
    url.protocol === "https:" || (local && url.protocol === "http:") || (allowFile && url.protocol === "file:");
  if (!allowed) throw new Error(`${name} must use https (http only for localhost), got "${value}"`);
  if (url.username || url.password) throw new Error(`${name} must not carry credentials`);
  return url;
}
