import { h, render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { href, parseHash, replaceQuery, useRoute } from "../../worker/dashboard/src/router";

describe("dashboard routing", () => {
  afterEach(() => {
    history.replaceState(null, "", "/");
    document.body.innerHTML = "";
  });

  it("reads segments and the query from the hash", () => {
    expect(parseHash("")).toMatchObject({ segments: [] });
    const route = parseHash("#/tools/chat%2Fgpt?version=2&group=Legal");
    expect(route.segments).toEqual(["tools", "chat/gpt"]);
    expect(Object.fromEntries(route.query)).toEqual({ version: "2", group: "Legal" });
    // A malformed escape stays as written instead of breaking the view.
    expect(parseHash("#/tools/%E0%A4%A").segments).toEqual(["tools", "%E0%A4%A"]);
  });

  it("encodes every segment, so an id can never leave its place in the path", () => {
    expect(href(["tools", "../admin?x=1#y"])).toBe("#/tools/..%2Fadmin%3Fx%3D1%23y");
    expect(parseHash(href(["tools", "../admin?x=1#y"])).segments).toEqual(["tools", "../admin?x=1#y"]);
    expect(href(["awareness"], { version: 3, group: "", empty: undefined })).toBe("#/awareness?version=3");
  });

  it("changes the query in place and tells the views", () => {
    location.hash = "#/inventory?q=chat&sort=devices";
    const seen: string[] = [];
    function Probe() {
      const route = useRoute();
      seen.push(route.query.toString());
      return null;
    }
    // act() runs the render and its effects (the view's hashchange listener) to the end.
    act(() => render(h(Probe, {}), document.body));
    const before = history.length;
    act(() => replaceQuery(parseHash(location.hash), { q: "claude", sort: "" }));
    expect(location.hash).toBe("#/inventory?q=claude");
    expect(history.length).toBe(before);
    expect(seen.at(-1)).toBe("q=claude");
  });
});
