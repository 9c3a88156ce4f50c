/**
 * The page as a person meets it: found through the browser's accessibility tree (what a
 * screen reader reads) and pressed with real mouse and keyboard input. The nudge lives in a
 * closed shadow root that no page script, and no DOM locator, can reach; the accessibility
 * tree and trusted input reach it the way a person does.
 */
import type { CDPSession, Page } from "playwright-core";

interface AXValue {
  value?: unknown;
}
interface AXNode {
  nodeId: string;
  ignored: boolean;
  role?: AXValue;
  name?: AXValue;
  properties?: Array<{ name: string; value: AXValue }>;
  backendDOMNodeId?: number;
}

export interface Seen {
  role: string;
  name: string;
  backendNodeId: number;
  disabled: boolean;
  checked: boolean;
}

const sessions = new WeakMap<Page, Promise<CDPSession>>();

function session(page: Page): Promise<CDPSession> {
  let cdp = sessions.get(page);
  if (!cdp) {
    cdp = page
      .context()
      .newCDPSession(page)
      .then(async (created) => {
        await created.send("Accessibility.enable");
        await created.send("DOM.enable");
        return created;
      });
    sessions.set(page, cdp);
  }
  return cdp;
}

function seen(node: AXNode): Seen | null {
  if (node.backendDOMNodeId === undefined) return null;
  const property = (name: string) => node.properties?.find((p) => p.name === name)?.value.value;
  return {
    role: String(node.role?.value ?? ""),
    name: String(node.name?.value ?? ""),
    backendNodeId: node.backendDOMNodeId,
    disabled: property("disabled") === true,
    checked: property("checked") === "true" || property("checked") === true,
  };
}

/** Everything with this role and accessible name on the page now. */
export async function query(page: Page, role: string, name?: string): Promise<Seen[]> {
  const cdp = await session(page);
  const { root } = await cdp.send("DOM.getDocument", { depth: 0 });
  const { nodes } = (await cdp.send("Accessibility.queryAXTree", {
    backendNodeId: root.backendNodeId,
    role,
    ...(name === undefined ? {} : { accessibleName: name }),
  })) as { nodes: AXNode[] };
  return nodes.flatMap((node) => {
    const found = node.ignored ? null : seen(node);
    return found ? [found] : [];
  });
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeout: number): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until something with this role and name is on the page. */
export function find(page: Page, role: string, name?: string, timeout = 15_000): Promise<Seen> {
  return until(`${role} "${name ?? ""}"`, async () => (await query(page, role, name))[0] ?? null, timeout);
}

/** Waits until nothing with this role and name is on the page. */
export async function gone(page: Page, role: string, name?: string, timeout = 15_000): Promise<void> {
  await until(
    `no ${role} "${name ?? ""}"`,
    async () => ((await query(page, role, name)).length === 0 ? true : null),
    timeout,
  );
}

/** Runs a function on the element behind an accessibility node (in the page's main world). */
export async function onElement<T>(page: Page, node: Seen, fn: string): Promise<T> {
  const cdp = await session(page);
  const { object } = await cdp.send("DOM.resolveNode", { backendNodeId: node.backendNodeId });
  const { result } = await cdp.send("Runtime.callFunctionOn", {
    objectId: object.objectId,
    functionDeclaration: fn,
    returnByValue: true,
  });
  return result.value as T;
}

export function textOf(page: Page, node: Seen): Promise<string> {
  return onElement<string>(page, node, "function () { return this.textContent; }");
}

/** Clicks the middle of a node with the real mouse: a trusted gesture, as a person makes it. */
export async function press(page: Page, node: Seen): Promise<void> {
  const cdp = await session(page);
  await cdp.send("DOM.scrollIntoViewIfNeeded", { backendNodeId: node.backendNodeId });
  const { quads } = await cdp.send("DOM.getContentQuads", { backendNodeId: node.backendNodeId });
  const quad = quads[0];
  if (!quad || quad.length < 8) throw new Error(`${node.role} "${node.name}" is not on screen`);
  const xs = quad.filter((_, i) => i % 2 === 0);
  const ys = quad.filter((_, i) => i % 2 === 1);
  const x = xs.reduce((sum, v) => sum + v, 0) / xs.length;
  const y = ys.reduce((sum, v) => sum + v, 0) / ys.length;
  await page.mouse.click(x, y);
}

/** Finds a node and presses it. */
export async function pressNamed(page: Page, role: string, name: string): Promise<void> {
  await press(page, await find(page, role, name));
}

/** A CDP session on the page with the extension's script worlds in it (its content script's). */
async function worldsOf(page: Page, extensionId: string): Promise<{ cdp: CDPSession; worlds: number[] }> {
  const cdp = await page.context().newCDPSession(page);
  const contexts: Array<{ id: number; origin: string }> = [];
  cdp.on("Runtime.executionContextCreated", ({ context }) => contexts.push(context));
  await cdp.send("Runtime.enable");
  // Existing contexts are announced right after enabling; one round trip later they are all in.
  await cdp.send("Runtime.evaluate", { expression: "1" });
  const worlds = contexts.filter((context) => context.origin === `chrome-extension://${extensionId}`);
  return { cdp, worlds: worlds.map((world) => world.id) };
}

/** How many script worlds the extension has in the page: one when its content script runs there. */
export async function extensionWorlds(page: Page, extensionId: string): Promise<number> {
  const { cdp, worlds } = await worldsOf(page, extensionId);
  await cdp.detach();
  return worlds.length;
}

/** Evaluates an expression in the extension's content-script world of the page (awaiting a promise). */
export async function inExtensionWorld(page: Page, extensionId: string, expression: string): Promise<unknown> {
  const { cdp, worlds } = await worldsOf(page, extensionId);
  try {
    const contextId = worlds[0];
    if (contextId === undefined) throw new Error("the extension's content script does not run on this page");
    const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", {
      expression,
      contextId,
      awaitPromise: true,
      returnByValue: true,
    });
    if (exceptionDetails) throw new Error(`evaluation failed: ${exceptionDetails.text}`);
    return result.value;
  } finally {
    await cdp.detach();
  }
}
