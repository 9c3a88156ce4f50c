import { render } from "preact";
import { useCallback, useState } from "preact/hooks";
import { adoptTokenFromUrl, setToken } from "./api";
import "./styles.css";
import { Inventory } from "./views/Inventory";

function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setValue] = useState("");
  return (
    <form
      class="sign-in"
      onSubmit={(event) => {
        event.preventDefault();
        setToken(token.trim());
        onSignedIn();
      }}
    >
      <h2>Sign in</h2>
      <p>
        In production the dashboard sits behind Cloudflare Access. Locally, paste the <code>ADMIN_TOKEN</code> from{" "}
        <code>.dev.vars</code> (or open the link <code>npm start</code> printed).
      </p>
      <label>
        Admin token
        <input
          type="password"
          autocomplete="off"
          value={token}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit">Sign in</button>
    </form>
  );
}

function App() {
  const [needsSignIn, setNeedsSignIn] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const onUnauthorized = useCallback(() => setNeedsSignIn(true), []);
  return (
    <>
      <header class="top">
        <h1>Shadowlight</h1>
        <span class="muted">AI-usage inventory</span>
      </header>
      <main>
        {needsSignIn ? (
          <SignIn
            onSignedIn={() => {
              setNeedsSignIn(false);
              setAttempt(attempt + 1);
            }}
          />
        ) : (
          <Inventory key={attempt} onUnauthorized={onUnauthorized} />
        )}
      </main>
    </>
  );
}

adoptTokenFromUrl();
const root = document.getElementById("app");
if (root) render(<App />, root);
