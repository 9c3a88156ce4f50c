import { useState } from "preact/hooks";
import { ApiError, download, hasStoredToken, request, useAction, useResource } from "../api";
import { Async, PageTitle, Problem } from "../components/ui";
import { daysAgoUtc, todayUtc } from "../format";
import type { EvidencePack } from "../types";
import "./evidence/evidence.css";
import { Pack } from "./evidence/Pack";
import { showPrintable } from "./evidence/printable";

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
        nudge outcomes and the exceptions register. Every figure carries its denominator, where it comes from and what
        would prove it wrong; groups under the anonymity threshold are merged. The pack is signed, and each pack names
        the one before it, so a series of packs shows any change.
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
            {(data) => <Pack pack={data} />}
          </Async>
        </section>
      )}
    </>
  );
}
