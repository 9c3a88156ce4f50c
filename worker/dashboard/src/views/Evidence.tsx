import { useState } from "preact/hooks";
import { ApiError, download, hasStoredToken, request, useAction, useResource } from "../api";
import { Coverage } from "../components/figures";
import { GroupTable } from "../components/groups";
import { Async, PageTitle, Problem, TableHead } from "../components/ui";
import { count, daysAgoUtc, num, todayUtc, when } from "../format";
import type { EvidencePack } from "../types";
import "./evidence.css";

/**
 * The evidence pack for ISO/IEC 42001 and EU AI Act Art. 4 audits, for a period: JSON and CSV
 * downloads and the printable page, all produced by the worker.
 */
export default function Evidence() {
  const [from, setFrom] = useState(daysAgoUtc(89));
  const [to, setTo] = useState(todayUtc());
  const { busy, error, run, clearError } = useAction();
  const [done, setDone] = useState<string | null>(null);
  const query = (format: string) =>
    `/evidence?format=${format}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const invalid = !from || !to || from > to;
  const [pack] = useResource<EvidencePack>(invalid ? null : query("json"));

  const fetchFile = async (format: "json" | "csv") => {
    setDone(null);
    const name = await run(() => download(query(format), `shadowlight-evidence-${from}-${to}.${format}`), format);
    if (name) setDone(`Downloaded ${name}.`);
  };

  const openPrintable = () => {
    clearError();
    setDone(null);
    // Behind Cloudflare Access the session cookie authenticates a plain navigation.
    if (!hasStoredToken()) {
      window.open(`/api/admin${query("html")}`, "_blank", "noopener");
      return;
    }
    // With a local bearer token a navigation would go unauthenticated, so the page is fetched
    // and shown in a tab opened now (inside the click, so no popup blocker interferes).
    const tab = window.open("", "_blank");
    void run(async () => {
      if (!tab) throw new ApiError(0, "the browser blocked the new tab; allow pop-ups for this site");
      try {
        const response = await request(query("html"));
        showPrintable(tab, await response.text());
      } catch (caught) {
        tab.close();
        throw caught;
      }
    }, "html");
  };

  return (
    <>
      <PageTitle title="Evidence" />
      <p class="intro">
        One pack maps what Shadowlight measured to ISO/IEC 42001 (clause 7.3, Annex A.2, A.4, A.10) and EU AI Act
        Article 4: the inventory and its reviews, policy versions and who acknowledged them as coverage (never names),
        nudge outcomes and the exceptions register. Every figure carries its denominator; groups under the anonymity
        threshold are suppressed.
      </p>
      <section class="card" aria-labelledby="period-title">
        <h3 id="period-title">Period</h3>
        <div class="row dates">
          <label>
            From
            <input type="date" value={from} max={to} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            To
            <input type="date" value={to} min={from} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
          </label>
        </div>
        {invalid && (
          <p class="error" role="alert">
            Choose a start day on or before the end day.
          </p>
        )}
        <div class="actions">
          <button type="button" disabled={invalid || busy !== null} onClick={() => fetchFile("json")}>
            {busy === "json" ? "Preparing…" : "Download JSON"}
          </button>
          <button type="button" disabled={invalid || busy !== null} onClick={() => fetchFile("csv")}>
            {busy === "csv" ? "Preparing…" : "Download CSV"}
          </button>
          <button type="button" class="secondary" disabled={invalid || busy !== null} onClick={openPrintable}>
            {busy === "html" ? "Opening…" : "Open the printable page"}
          </button>
        </div>
        {done && (
          <p role="status" class="ok">
            {done}
          </p>
        )}
        <Problem error={error} />
      </section>
      {!invalid && (
        <section class="card" aria-labelledby="figures-title">
          <h3 id="figures-title">What the pack states</h3>
          <Async resource={pack} what="the evidence pack">
            {(data) => (
              <>
                <Figures pack={data} />
                <details class="method">
                  <summary>How each figure is measured, and what it cannot show</summary>
                  <ul>
                    {data.method.map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                </details>
                <h4>Acknowledgement of v{data.policy.version} by group</h4>
                {data.byGroup.length === 0 ? (
                  <p class="muted">No device was active in this period.</p>
                ) : (
                  <GroupTable rows={data.byGroup} k={data.k} />
                )}
              </>
            )}
          </Async>
        </section>
      )}
    </>
  );
}

/** The pack's figures as the auditor reads them, each with its share and the controls it serves. */
function Figures({ pack }: { pack: EvidencePack }) {
  const controls = new Map(pack.controls.map((control) => [control.id, control]));
  return (
    <>
      <p class="muted">
        Policy in force: v{pack.policy.version} “{pack.policy.name}”, published {when(pack.policy.publishedAt)}. Period:{" "}
        {count(pack.period.days, "day")}. Groups under {num(pack.k)} devices are merged into “other groups”.
      </p>
      <table class="data figures" data-testid="evidence-figures">
        <TableHead columns={["Figure", "Share", "Controls"]} />
        <tbody>
          {pack.figures.map((figure) => (
            <tr key={figure.id} data-figure={figure.id}>
              <th scope="row">
                {figure.statement}
                <span class="vendor">{figure.title}</span>
              </th>
              <td>
                <Coverage
                  part={figure.numerator}
                  whole={figure.denominator}
                  label={`${num(figure.numerator)} of ${num(figure.denominator)} ${figure.denominatorLabel}`}
                />
              </td>
              <td class="small">
                {figure.controls.map((id) => {
                  const control = controls.get(id);
                  return (
                    <span key={id} class="control" title={control?.title}>
                      {control
                        ? `${control.framework === "EU AI Act" ? "EU AI Act" : "ISO 42001"} ${control.reference}`
                        : id}
                    </span>
                  );
                })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/**
 * Puts the worker's printable page into a tab of the dashboard's origin. That tab inherits the
 * dashboard's CSP, which blocks the page's inline <style>; its rules are applied instead as a
 * constructed stylesheet (CSSOM, which the CSP allows). Scripts and event-handler attributes
 * are dropped, although the CSP would block them too.
 */
function showPrintable(tab: Window, html: string): void {
  // The <style> blocks come out before parsing: Chromium checks a parsed document's styles
  // against this page's CSP and reports them even though that document is never shown.
  const css: string[] = [];
  const withoutStyles = html.replace(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi, (_whole, rules: string) => {
    css.push(rules);
    return "";
  });
  const parsed = new DOMParser().parseFromString(withoutStyles, "text/html");
  for (const style of Array.from(parsed.querySelectorAll("style"))) style.remove();
  for (const script of Array.from(parsed.querySelectorAll("script"))) script.remove();
  for (const element of Array.from(parsed.querySelectorAll("*"))) {
    for (const name of element.getAttributeNames()) {
      if (name.startsWith("on") || name === "style") element.removeAttribute(name);
    }
  }
  const target = tab.document;
  target.replaceChild(target.importNode(parsed.documentElement, true), target.documentElement);
  // A constructed sheet must come from the realm of the document that adopts it.
  const sheet = new (tab as Window & typeof globalThis).CSSStyleSheet();
  sheet.replaceSync(css.join("\n"));
  target.adoptedStyleSheets = [sheet];
}
