import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { local } from "../../extension/lib/state";

/*
 * Stored shapes of earlier versions are migrated once; a current record is never changed by a
 * migration (pages and the service worker may run the same migration at once).
 */
describe("stored state", () => {
  beforeEach(() => fakeBrowser.reset());

  it("migrates what earlier versions stored", async () => {
    await fakeBrowser.storage.local.set({
      notKept: { unknownTools: 3, expired: 1, candidateOverflow: 2 },
      delivery: { failures: 2, lastError: "server answered 503", lastAttemptAt: 1, nextAttemptAt: 2 },
      device: { serverUrl: "https://s.example", deviceId: "d", deviceToken: "t" },
    });
    await Promise.all([local.notKept.migrate(), local.delivery.migrate(), local.device.migrate()]);
    expect(await local.notKept.getValue()).toEqual({ refused: { unknown_tool: 3 }, expired: 1, candidateOverflow: 2 });
    expect((await local.delivery.getValue()).lastError).toEqual({ code: "unreachable", detail: "server answered 503" });
    expect(await local.device.getValue()).toMatchObject({ group: null, enrolledWith: null });
  });

  it("leaves a current record as it is, whatever version it is marked with", async () => {
    const device = {
      serverUrl: "https://s.example",
      deviceId: "d",
      deviceToken: "t",
      group: "Legal",
      enrolledWith: { tokenDigest: "abc", group: "Legal" },
    };
    const notKept = { refused: { over_cap: 2 }, expired: 0, candidateOverflow: 0 };
    // Written by one context while another had not yet recorded the version.
    await fakeBrowser.storage.local.set({ device, notKept });
    await Promise.all([local.device.migrate(), local.notKept.migrate()]);
    expect(await local.device.getValue()).toEqual(device);
    expect(await local.notKept.getValue()).toEqual(notKept);
  });
});
