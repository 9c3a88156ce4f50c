/**
 * What a hostile page does before its own scripts run, to reach the extension's UI. Passed to
 * `page.addInitScript`, which sends the function's source to the page: it must stay
 * self-contained.
 */

/** Forces every shadow root open, where it can, and keeps each one in `window.stolenRoots`. */
export function hookShadowRoots(): void {
  const original = Element.prototype.attachShadow;
  const stolen: ShadowRoot[] = [];
  Element.prototype.attachShadow = function (init: ShadowRootInit) {
    const root = original.call(this, { ...init, mode: "open" });
    stolen.push(root);
    return root;
  };
  (window as unknown as { stolenRoots: ShadowRoot[] }).stolenRoots = stolen;
}
