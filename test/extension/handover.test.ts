import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { reportingChanged } from "../../extension/background/counting";
import { decideAtCommit, forgetTabDecision, nudgeForSender } from "../../extension/background/handover";
import { bundledIndex, loadingCatalog, useCatalog } from "../../extension/lib/catalog";
import { loadStoredCatalog } from "../../extension/lib/catalog-cache";
import { NUDGE_UI_FILE } from "../../extension/lib/files";
import { NUDGE_INBOX, NUDGE_UI, type ServedNudge } from "../../extension/lib/messages";
import { bundledPolicy } from "../../extension/lib/policy-cache";
import { local, session } from "../../extension/lib/state";
import { offerNudge, offerUi } from "../../extension/nudge/served";
import { policySchema } from "../../shared/policy/schema";

/*
 * Handing the nudge to the page: decided at navigation commit and pushed into the document's
 * isolated world, or asked for by the content script; either way one decision, one ticket per
 * tab and document, and the nudge's UI sent once to a document that gets a nudge.
 */
const URL_CHATGPT = "https://chatgpt.com/c/1";
const commit = (documentId: string | undefined, url = URL_CHATGPT, tabId = 3) =>
  decideAtCommit({ tabId, frameId: 0, url, ...(documentId ? { documentId } : {}) });
const ask = (documentId: string | undefined, url = URL_CHATGPT, tabId = 3) =>
  nudgeForSender({ url, tab: { id: tabId }, frameId: 0, ...(documentId ? { documentId } : {}) });

type Injection = {
  target: { tabId: number; documentIds?: string[] };
  func?: (...args: unknown[]) => void;
  args?: unknown[];
  files?: string[];
};
const ui = (documentId: string) => ({ target: { tabId: 3, documentIds: [documentId] }, files: [NUDGE_UI_FILE] });

describe("the nudge hand-over", () => {
  let pushes: Injection[];

  beforeEach(async () => {
    fakeBrowser.reset();
    useCatalog(bundledIndex, "bundled");
    forgetTabDecision(3);
    pushes = [];
    vi.spyOn(fakeBrowser.scripting, "executeScript").mockImplementation(async (injection) => {
      pushes.push(injection as unknown as Injection);
      return [];
    });
    const policy = policySchema.parse({
      version: 2,
      name: "Hand-over test policy",
      rules: [
        { id: "ack", when: { tools: ["chatgpt"] }, action: "acknowledge" },
        { id: "ok", when: { tools: ["claude"] }, action: "allow" },
      ],
      fallback: "allow",
    });
    await local.policy.setValue({ etag: null, response: { ...bundledPolicy, policy }, fetchedAt: Date.now() });
    reportingChanged();
  });
  afterEach(() => vi.restoreAllMocks());

  const tickets = async () => Object.values(await session.tickets.getValue());

  it("pushes the decision made at commit into that document, then the UI, and the page's ask gets the same ticket", async () => {
    commit("doc-a");
    const served = await ask("doc-a");
    await vi.waitFor(() => expect(pushes).toHaveLength(2));
    const [push, sent] = pushes as [Injection, Injection];
    expect(push.target).toEqual({ tabId: 3, documentIds: ["doc-a"] });
    expect(push.args).toEqual([NUDGE_INBOX, served]);
    // The UI follows the decision, once: the ask brings no second copy.
    expect(sent).toMatchObject(ui("doc-a"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pushes).toHaveLength(2);
    expect(served?.view.tool.id).toBe("chatgpt");
    expect((await tickets()).map((t) => [t.id, t.document])).toEqual([[served?.ticket, "doc-a"]]);
  });

  it("decides once when the page asks before the commit is seen, and sends only the UI then", async () => {
    const served = await ask("doc-b");
    commit("doc-b");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pushes).toEqual([expect.objectContaining(ui("doc-b"))]);
    expect((await tickets()).map((t) => t.id)).toEqual([served?.ticket]);
  });

  it("decides again for a new document, and for a second ask from the same one", async () => {
    const first = await ask("doc-c");
    const again = await ask("doc-c");
    const next = await ask("doc-d");
    expect(new Set([first?.ticket, again?.ticket, next?.ticket]).size).toBe(3);
    await vi.waitFor(() => expect(pushes).toHaveLength(2));
    expect(pushes).toEqual([expect.objectContaining(ui("doc-c")), expect.objectContaining(ui("doc-d"))]);
    // One nudge per tab: the latest.
    expect((await tickets()).map((t) => t.id)).toEqual([next?.ticket]);
  });

  it("without document ids (Firefox) every ask is decided, and nothing is pushed", async () => {
    commit(undefined);
    const first = await ask(undefined);
    const second = await ask(undefined);
    expect(first?.ticket).not.toBe(second?.ticket);
    expect(pushes).toEqual([]);
  });

  it("pushes nothing where no nudge is due, and a failed push leaves the ask to get the nudge", async () => {
    commit("doc-e", "https://claude.ai/new");
    expect(await ask("doc-e", "https://claude.ai/new")).toBeNull();
    expect(pushes).toEqual([]);
    const failing = vi
      .spyOn(fakeBrowser.scripting, "executeScript")
      .mockRejectedValue(new Error("No document with id"));
    commit("doc-f");
    expect((await ask("doc-f"))?.view.tool.id).toBe("chatgpt");
    // The UI that could not be sent is sent when the document asks again.
    await vi.waitFor(() => expect(failing.mock.calls.some(([call]) => "files" in call)).toBe(true));
    failing.mockImplementation(async (injection) => {
      pushes.push(injection as unknown as Injection);
      return [];
    });
    await ask("doc-f");
    await vi.waitFor(() => expect(pushes).toEqual([expect.objectContaining(ui("doc-f"))]));
  });

  it("a navigation committed while the service worker reads the stored catalog is decided with it", async () => {
    // The server's catalog names a host the bundled one does not know.
    const chatgpt = bundledIndex.tools.findIndex((tool) => tool.id === "chatgpt");
    const index = { ...bundledIndex, hosts: { ...bundledIndex.hosts, "chat.internal.example": chatgpt } };
    await local.catalog.setValue({ etag: null, index, fetchedAt: Date.now() });
    loadingCatalog(loadStoredCatalog());
    commit("doc-h", "https://chat.internal.example/");
    expect((await ask("doc-h", "https://chat.internal.example/"))?.view.tool.id).toBe("chatgpt");
  });

  it("what it pushes reaches a waiting content script, or waits for one", async () => {
    commit("doc-g");
    const served = await ask("doc-g");
    await vi.waitFor(() => expect(pushes).toHaveLength(2));
    const [{ func = () => {}, args = [] }] = pushes as [Injection];
    const scope = globalThis as unknown as Record<string, unknown>;
    let received: ServedNudge | null = null;
    scope[NUDGE_INBOX] = (pushed: ServedNudge) => {
      received = pushed;
    };
    func(...args);
    expect(received).toEqual(served);
    delete scope[NUDGE_INBOX];
    func(...args);
    expect(scope[NUDGE_INBOX]).toEqual(served);
    delete scope[NUDGE_INBOX];
  });
});

describe("the served nudge meets the UI in the content script's world", () => {
  const scope = globalThis as unknown as Record<string, unknown>;
  const nudge = (ticket: string) =>
    ({ ticket, view: { decision: { action: "acknowledge" } } }) as unknown as ServedNudge;
  afterEach(() => {
    delete scope[NUDGE_UI];
  });

  it("whichever arrives first, the nudge is shown once", () => {
    for (const uiFirst of [true, false]) {
      const shown: string[] = [];
      const show = (served: ServedNudge) => shown.push(served.ticket);
      if (uiFirst) offerUi(show);
      offerNudge(nudge("a"));
      if (!uiFirst) offerUi(show);
      expect(shown).toEqual(["a"]);
      delete scope[NUDGE_UI];
    }
  });

  it("a second copy of the UI, or a second nudge, shows nothing more", () => {
    const shown: string[] = [];
    const show = (served: ServedNudge) => shown.push(served.ticket);
    offerUi(show);
    offerUi(show);
    offerNudge(nudge("a"));
    offerNudge(nudge("b"));
    offerUi(show);
    expect(shown).toEqual(["a"]);
  });
});
