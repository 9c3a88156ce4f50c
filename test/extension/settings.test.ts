import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { resolveSettings } from "../../extension/lib/settings";

describe("settings", () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it("lets managed values win over the options page", async () => {
    await fakeBrowser.storage.local.set({ options: { serverUrl: "https://options.example.com/", group: "Sales" } });
    await fakeBrowser.storage.managed.set({ serverUrl: "https://managed.example.com", reporting: false });
    const { settings, managed, problems } = await resolveSettings();
    expect(settings).toMatchObject({ serverUrl: "https://managed.example.com", group: "Sales", reporting: false });
    expect(managed.sort()).toEqual(["reporting", "serverUrl"]);
    expect(problems).toEqual([]);
  });

  it("refuses malformed managed values with a message and keeps the layer below", async () => {
    await fakeBrowser.storage.local.set({ options: { serverUrl: "https://options.example.com" } });
    await fakeBrowser.storage.managed.set({
      serverUrl: "javascript:alert(1)",
      group: "<script>",
      reporting: "yes",
      enrollmentToken: "x".repeat(500),
    });
    const { settings, managed, problems } = await resolveSettings();
    expect(settings.serverUrl).toBe("https://options.example.com");
    expect(settings.reporting).toBe(true);
    expect(managed).toEqual([]);
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).toMatch(/managed policy: serverUrl must be an http\(s\) URL/);
  });

  it("does not wait for a managed storage that never answers", async () => {
    await fakeBrowser.storage.local.set({ managedSnapshot: { group: "Remembered" } });
    const spy = vi
      .spyOn(fakeBrowser.storage.managed, "get")
      .mockReturnValue(new Promise<never>(() => undefined) as never);
    const started = Date.now();
    const { settings } = await resolveSettings();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(settings.group).toBe("Remembered");
    spy.mockRestore();
  });
});
