/** The load benchmark's fleet: enrolled through the real API, as an organization's devices are. */

/** The admin token the benchmark's worker is started with. */
export const ADMIN_TOKEN = "load-admin-token";
/** Devices enrolled per group token (each token takes 100 enrollments a minute). */
const DEVICES_PER_TOKEN = 90;

export async function adminFetch(url: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${ADMIN_TOKEN}`);
  headers.set("Content-Type", "application/json");
  return fetch(`${url}/api/admin${path}`, { ...init, headers });
}

/** Enrolls `count` devices through the API: group tokens, one client address per device. */
export async function enrollFleet(url: string, count: number, concurrency: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let g = 0; g * DEVICES_PER_TOKEN < count; g++) {
    const group = `Team ${String(g + 1).padStart(2, "0")}`;
    const response = await adminFetch(url, "/enrollment-tokens", {
      method: "POST",
      body: JSON.stringify({ label: `${group} laptops`, group, maxDevices: DEVICES_PER_TOKEN }),
    });
    if (response.status !== 201) throw new Error(`token: ${response.status} ${await response.text()}`);
    tokens.push(((await response.json()) as { token: string }).token);
  }
  const deviceTokens: string[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const response = await fetch(`${url}/api/v1/enroll`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "CF-Connecting-IP": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          },
          body: JSON.stringify({ token: tokens[Math.floor(i / DEVICES_PER_TOKEN)], browser: "chrome" }),
        });
        if (response.status !== 201) throw new Error(`enroll: ${response.status} ${await response.text()}`);
        deviceTokens[i] = ((await response.json()) as { deviceToken: string }).deviceToken;
      }
    }),
  );
  return deviceTokens;
}
