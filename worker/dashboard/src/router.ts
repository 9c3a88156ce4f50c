/** Hash routing: `#/inventory`, `#/tools/chatgpt`, `#/awareness?version=2`. */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  /** Path segments, decoded: `#/tools/chatgpt` -> ["tools", "chatgpt"]. */
  segments: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, "");
  const [path = "", search = ""] = body.split("?", 2);
  const segments = path
    .split("/")
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
  return { segments, query: new URLSearchParams(search) };
}

/** The href of a route, every segment encoded so an id can never break out of the path. */
export function href(segments: string[], query?: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== "") search.set(key, String(value));
  }
  const tail = search.toString();
  return `#/${segments.map(encodeURIComponent).join("/")}${tail ? `?${tail}` : ""}`;
}

/** Changes the query of the current route without adding a history entry per keystroke. */
export function replaceQuery(route: Route, changes: Record<string, string | number | undefined>): void {
  const query: Record<string, string> = Object.fromEntries(route.query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === "") delete query[key];
    else query[key] = String(value);
  }
  history.replaceState(null, "", href(route.segments, query));
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
