/**
 * What the extension costs the page itself, for `npm run bench:nudge`: the page's
 * DOMContentLoaded with the extension against the same page without it, and how long a
 * person's paste takes to land in the prompt box, the first on a page and later ones.
 *
 * Added DOMContentLoaded is taken pairwise: each visit with the extension is paired with the
 * visit to the same page without it made just before, and the figure is the median of their
 * differences, so a burst of load on the shared machine falls on both sides of a pair.
 *
 * A paste is timed by the page, as its own scripts could: from the keydown of Ctrl+V (the
 * person's keystroke) to the `input` event of the prompt box that the pasted text causes.
 * With the extension, the guard's listener sees the paste first; on the first paste of a page
 * it has yet to get its detectors, so that paste is held and handed on once they decided it.
 */
import type { Page } from "puppeteer-core";
import { median } from "./support";

/** The page's own timing of pastes; goes into the fake site's page head. */
export const PASTE_TIMING_SCRIPT = `(() => {
  let keyAt = null;
  const pastes = [];
  addEventListener("keydown", (event) => {
    if (event.isTrusted && event.ctrlKey && event.key === "v") keyAt = performance.now();
  }, true);
  addEventListener("input", (event) => {
    if (keyAt !== null && event.target instanceof HTMLTextAreaElement) {
      pastes.push(performance.now() - keyAt);
      keyAt = null;
    }
  }, true);
  window.pasteTimes = () => pastes;
})();`;

/** Ordinary text a person pastes into an AI tool: nothing in it the guard warns about (about 2 KB). */
export const HARMLESS_PASTE = Array.from(
  { length: 12 },
  (_, i) =>
    `Item ${i + 1}: summarize the notes of Tuesday's planning meeting, list the open questions and who owns them.`,
).join("\n");

/** Median of the pairwise differences `withExtension[i] - without[i]`, rounded to 0.1 ms. */
export function addedMedian(withExtension: number[], without: number[]): number {
  if (withExtension.length !== without.length) throw new Error("added time needs one visit without per visit with");
  return Math.round(median(withExtension.map((value, i) => value - (without[i] as number))) * 10) / 10;
}

/**
 * Pastes `text` `count` times with Ctrl+V into the page's prompt box and returns how long each
 * took to arrive (the page's own measure), the first paste of the page first. The prompt box
 * is emptied between pastes; the clipboard is written through the page (permission granted).
 */
export async function timePastes(tab: Page, text: string, count: number): Promise<number[]> {
  await tab.click("textarea");
  for (let i = 0; i < count; i++) {
    await tab.evaluate(async (value) => {
      const box = document.querySelector("textarea");
      if (box) box.value = "";
      await navigator.clipboard.writeText(value);
    }, text);
    await tab.keyboard.down("Control");
    await tab.keyboard.press("KeyV");
    await tab.keyboard.up("Control");
    await tab
      .waitForFunction(
        (n) => (window as unknown as { pasteTimes(): number[] }).pasteTimes().length >= n,
        {
          timeout: 15_000,
          polling: 10,
        },
        i + 1,
      )
      .catch(() => {
        throw new Error(`paste ${i + 1} never arrived in the prompt box of ${tab.url()}`);
      });
  }
  const times = await tab.evaluate(() => (window as unknown as { pasteTimes(): number[] }).pasteTimes());
  const arrived = await tab.evaluate(() => document.querySelector("textarea")?.value ?? "");
  if (arrived !== text) throw new Error(`the pasted text did not arrive intact on ${tab.url()}`);
  return times;
}
