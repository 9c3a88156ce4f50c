/**
 * The dashboard's entry: the shell (header, navigation, sign-in) and the router. Every view is
 * a separate chunk loaded on first visit, so the first render needs only this file and Preact.
 */
import { type ComponentType, render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, adoptTokenFromUrl, api, setToken, UNAUTHORIZED_EVENT } from "./api";
import "./styles/base.css";
import "./styles/components.css";
import "./styles/tables.css";
import "./styles/forms.css";
import { Loading, Problem } from "./components/ui";
import { type Route, useRoute } from "./router";
import { MeContext } from "./session";
import type { Me } from "./types";

export interface ViewProps {
  route: Route;
}
type Loader = () => Promise<{ default: ComponentType<ViewProps> }>;

/**
 * Navigation order; `tools` is reached from the inventory and has no entry of its own. Views
 * for admins only are left out of a viewer's navigation (and say so if opened by address).
 */
const VIEWS: Array<{ id: string; title: string; load: Loader; nav: boolean; adminOnly?: boolean }> = [
  { id: "overview", title: "Overview", load: () => import("./views/Overview"), nav: true },
  { id: "inventory", title: "Inventory", load: () => import("./views/Inventory"), nav: true },
  { id: "tools", title: "Tool", load: () => import("./views/Tool"), nav: false },
  { id: "candidates", title: "Candidates", load: () => import("./views/Candidates"), nav: true },
  { id: "organization", title: "Catalog additions", load: () => import("./views/Organization"), nav: true },
  { id: "awareness", title: "Awareness", load: () => import("./views/Awareness"), nav: true },
  { id: "policy", title: "Policy", load: () => import("./views/Policy"), nav: true },
  { id: "exceptions", title: "Exceptions", load: () => import("./views/Exceptions"), nav: true },
  { id: "reviews", title: "Review requests", load: () => import("./views/ReviewRequests"), nav: true },
  { id: "devices", title: "Devices", load: () => import("./views/Devices"), nav: true, adminOnly: true },
  { id: "audit", title: "Audit log", load: () => import("./views/Audit"), nav: true },
  { id: "evidence", title: "Evidence", load: () => import("./views/Evidence"), nav: true },
];

/** Loads a view's chunk and renders it; a failed load (say, after a redeploy) says so. */
function LazyView({ view, route }: { view: (typeof VIEWS)[number]; route: Route }) {
  const [loaded, setLoaded] = useState<{ id: string; Component: ComponentType<ViewProps> } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setFailed(null);
    view.load().then(
      (module) => live && setLoaded({ id: view.id, Component: module.default }),
      (error: Error) => live && setFailed(error.message),
    );
    return () => {
      live = false;
    };
  }, [view]);
  if (failed) {
    return (
      <Problem
        what={`the ${view.title} view`}
        error={new ApiError(0, `${failed}. Reload the page to fetch the current version.`)}
      />
    );
  }
  if (!loaded || loaded.id !== view.id) return <Loading what={view.title.toLowerCase()} />;
  return <loaded.Component route={route} />;
}

function SignIn({ onSignedIn, problem }: { onSignedIn: () => void; problem: string | null }) {
  const [token, setValue] = useState("");
  return (
    <form
      class="sign-in card"
      onSubmit={(event) => {
        event.preventDefault();
        setToken(token.trim());
        onSignedIn();
      }}
    >
      <h2>Sign in</h2>
      {problem && (
        <p class="callout callout-error" role="alert">
          {problem}
        </p>
      )}
      <p>
        In production the dashboard sits behind Cloudflare Access. Locally, paste the <code>ADMIN_TOKEN</code> (or{" "}
        <code>VIEWER_TOKEN</code>) from <code>.dev.vars</code>, or open the link <code>npm start</code> printed.
      </p>
      <label>
        Admin or viewer token
        <input
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit">Sign in</button>
    </form>
  );
}

function Navigation({ current, role }: { current: string; role: Me["role"] }) {
  return (
    <nav class="side" aria-label="Dashboard">
      <ul>
        {VIEWS.filter((v) => v.nav && (role === "admin" || !v.adminOnly)).map((view) => (
          <li key={view.id}>
            <a
              href={`#/${view.id}`}
              aria-current={
                current === view.id || (view.id === "inventory" && current === "tools") ? "page" : undefined
              }
            >
              {view.title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

type Session =
  | { kind: "loading" }
  | { kind: "signed-out"; problem: string | null }
  | { kind: "error"; error: ApiError }
  | { kind: "ready"; me: Me };

function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session>({ kind: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setSession({ kind: "loading" });
    api<Me>("/me").then(
      (me) => setSession({ kind: "ready", me }),
      (error: ApiError) =>
        setSession(
          error.status === 401 || error.status === 403
            ? { kind: "signed-out", problem: attempt > 0 ? error.message : null }
            : { kind: "error", error },
        ),
    );
  }, [attempt]);

  useEffect(() => {
    // A token that stops working mid-session (rotated, expired Access session) asks again.
    const onUnauthorized = () => setSession({ kind: "signed-out", problem: "The server no longer accepts the token." });
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, []);

  const id = route.segments[0] ?? "overview";
  const view = VIEWS.find((v) => v.id === id);
  const me = session.kind === "ready" ? session.me : null;

  return (
    <>
      <button type="button" class="skip" onClick={skipToContent}>
        Skip to content
      </button>
      <header class="top">
        <h1>
          <a href="#/overview">Shadowlight</a>
        </h1>
        <span class="muted tagline">AI-usage inventory and awareness</span>
        {me && (
          <span class="whoami">
            <span>{me.actor}</span> <span class={`badge role-${me.role}`}>{me.role}</span>
          </span>
        )}
      </header>
      <div class="layout">
        {me && <Navigation current={id} role={me.role} />}
        <main id="content" tabIndex={-1}>
          {session.kind === "loading" && <Loading what="your session" />}
          {session.kind === "error" && <Problem what="your session" error={session.error} />}
          {session.kind === "signed-out" && (
            <SignIn problem={session.problem} onSignedIn={() => setAttempt((n) => n + 1)} />
          )}
          {me && (
            <MeContext.Provider value={me}>
              {view ? (
                <LazyView view={view} route={route} />
              ) : (
                <section>
                  <h2>Not found</h2>
                  <p>
                    There is no page at this address. Go to the <a href="#/overview">overview</a>.
                  </p>
                </section>
              )}
            </MeContext.Provider>
          )}
        </main>
      </div>
    </>
  );
}

/** A button, not a `#content` link: the router owns the hash, so the skip moves focus instead. */
function skipToContent() {
  document.getElementById("content")?.focus();
}

adoptTokenFromUrl();
const root = document.getElementById("app");
if (root) render(<App />, root);
