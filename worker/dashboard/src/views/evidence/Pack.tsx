/**
 * What an evidence pack states, as the auditor reads it: each figure with its denominator,
 * where it comes from and what would prove it wrong; counts as counts; coverage by group (small
 * groups merged); AI literacy with the lesson texts; the inventory, the exceptions register and
 * the policy versions; how the figures are measured, what a dishonest device could still do,
 * and the signature.
 */
import { useResource } from "../../api";
import { Coverage, FigureCell, WithheldNote } from "../../components/figures";
import { GroupTable } from "../../components/groups";
import { DataTable, RiskBadge, StatusBadge, TableHead } from "../../components/ui";
import { count, day, num, when } from "../../format";
import { decisionName, INVENTORY_KIND_NAMES } from "../../labels";
import { href } from "../../router";
import type { EvidencePack } from "../../types";
import { PackLiteracy } from "./Literacy";

type Basis = EvidencePack["figures"][number]["basis"];

const BASIS_NAMES: Record<Basis, string> = {
  "device-reports": "Reported by devices",
  "admin-records": "Your own records",
};

function BasisBadge({ basis }: { basis: Basis }) {
  return <span class={`badge basis-${basis}`}>{BASIS_NAMES[basis]}</span>;
}

function Controls({ ids, pack }: { ids: string[]; pack: EvidencePack }) {
  return (
    <>
      {ids.map((id) => {
        const control = pack.controls.find((c) => c.id === id);
        return (
          <span key={id} class="control" title={control?.title}>
            {control ? `${control.framework === "EU AI Act" ? "EU AI Act" : "ISO 42001"} ${control.reference}` : id}
          </span>
        );
      })}
    </>
  );
}

export function Pack({ pack }: { pack: EvidencePack }) {
  const withheld =
    pack.literacy.users === null ||
    pack.literacy.lessons.some((lesson) => lesson.users === null) ||
    pack.inventory.some((tool) => tool.devices === null) ||
    pack.exceptions.some((entry) => entry.requests === null || entry.devices === null);
  return (
    <>
      <p class="muted" data-testid="pack-summary">
        Policy in force: v{pack.policy.version} “{pack.policy.name}”, published {when(pack.policy.publishedAt)}. Period:{" "}
        {count(pack.period.days, "day")}. Groups under {num(pack.k)} devices are merged into “other groups”.{" "}
        {pack.excludedDevices > 0 &&
          `${count(pack.excludedDevices, "flagged device")} left out of every device figure until reviewed.`}
      </p>
      <table class="data figures" data-testid="evidence-figures">
        <TableHead columns={["Figure", "Share", "Source", "Controls"]} />
        <tbody>
          {pack.figures.map((figure) => (
            <tr key={figure.id} data-figure={figure.id}>
              <th scope="row">
                {figure.statement}
                <span class="vendor">{figure.title}</span>
                <span class="trust">{figure.trust}</span>
              </th>
              <td>
                <Coverage
                  part={figure.numerator}
                  whole={figure.denominator}
                  label={`${num(figure.numerator)} of ${num(figure.denominator)} ${figure.denominatorLabel}`}
                />
              </td>
              <td>
                <BasisBadge basis={figure.basis} />
              </td>
              <td class="small">
                <Controls ids={figure.controls} pack={pack} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h4>Counts</h4>
      <table class="data figures" data-testid="evidence-counts">
        <TableHead columns={["Count", { label: "Value", num: true }, "Source", "Controls"]} />
        <tbody>
          {pack.counts.map((item) => (
            <tr key={item.id} data-count={item.id}>
              <th scope="row">
                {item.statement}
                <span class="trust">{item.trust}</span>
              </th>
              <td class="num">{num(item.value)}</td>
              <td>
                <BasisBadge basis={item.basis} />
              </td>
              <td class="small">
                <Controls ids={item.controls} pack={pack} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h4>Acknowledgement of v{pack.policy.version} by group</h4>
      {pack.byGroup.length === 0 ? (
        <p class="muted">No device was active in this period.</p>
      ) : (
        <GroupTable rows={pack.byGroup} k={pack.k} />
      )}

      <PackLiteracy pack={pack} />

      <h4>AI tools in use ({num(pack.inventory.length)})</h4>
      {pack.systemsByKind && (
        <p class="muted" data-testid="evidence-by-kind">
          By kind:{" "}
          {pack.systemsByKind
            .filter((entry) => entry.systems > 0)
            .map((entry) => `${INVENTORY_KIND_NAMES[entry.kind]} ${num(entry.systems)}`)
            .join(", ") || "none"}
        </p>
      )}
      <DataTable
        testId="evidence-inventory"
        columns={["Tool", "Risk", "Review", "Owner", "Next review", { label: "Devices", num: true }]}
      >
        {pack.inventory.map((tool) => (
          <tr key={`${tool.kind ?? "web"}:${tool.id}`} data-tool={tool.id} data-kind={tool.kind ?? "web"}>
            <th scope="row">
              <a href={href(["tools", tool.id])}>{tool.name}</a>
              <span class="vendor">
                {tool.vendor} · {INVENTORY_KIND_NAMES[tool.kind ?? "web"]}
              </span>
            </th>
            <td>
              <RiskBadge level={tool.level} />
            </td>
            <td>
              <StatusBadge status={tool.status} />
              {tool.conditions && <span class="vendor">{tool.conditions}</span>}
            </td>
            <td>{tool.owner ?? <span class="muted">none</span>}</td>
            <td class="nowrap">{day(tool.nextReview)}</td>
            <FigureCell value={tool.devices} />
          </tr>
        ))}
      </DataTable>

      <h4>Exceptions register ({num(pack.exceptions.length)})</h4>
      {pack.exceptions.length === 0 ? (
        <p class="muted">Nobody justified using a tool in this period.</p>
      ) : (
        <DataTable
          testId="evidence-exceptions"
          columns={[
            "Tool",
            "Reason",
            { label: "Requests", num: true },
            { label: "Devices", num: true },
            "Decision",
            "Owner",
            "Expires",
          ]}
        >
          {pack.exceptions.map((entry) => (
            <tr key={`${entry.tool}/${entry.reason}`}>
              <th scope="row">{entry.toolName}</th>
              <td>{entry.reasonLabel}</td>
              <FigureCell value={entry.requests} />
              <FigureCell value={entry.devices} />
              <td>{decisionName(entry.decision)}</td>
              <td>{entry.owner ?? <span class="muted">none</span>}</td>
              <td class="nowrap">{day(entry.expiry)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {withheld && <WithheldNote />}

      <h4>Policy versions</h4>
      <ul class="versions">
        {pack.policyVersions.map((version) => (
          <li key={version.version}>
            v{version.version} “{version.name}”, published {when(version.publishedAt)} by {version.publishedBy}
          </li>
        ))}
      </ul>

      <Lines title="How each figure is measured, and what it cannot show" lines={pack.method} />
      <Lines title="What a dishonest device can and cannot do to these figures" lines={pack.trustModel} />
      <Lines title="Why a figure here may differ from the dashboard's views" lines={pack.notes} />

      <h4>Signature</h4>
      <dl class="signature" data-testid="signature">
        <dt>Algorithm</dt>
        <dd>{pack.signature.algorithm}</dd>
        <dt>Public key</dt>
        <dd>
          <span class="mono">{pack.signature.publicKey}</span> <KeyCheck publicKey={pack.signature.publicKey} />
        </dd>
        <dt>Previous pack</dt>
        <dd class="mono">{pack.previousHash ?? "none: the first pack this server generated"}</dd>
      </dl>
      <p class="muted small">
        A downloaded JSON pack is checked with <code>npm run --silent verify-evidence FILE</code>: any changed byte
        fails it. Compare the public key with the one the server publishes.
      </p>
    </>
  );
}

/** Whether the pack's key is the one this server publishes now. */
function KeyCheck({ publicKey }: { publicKey: string }) {
  const [key] = useResource<{ algorithm: string; publicKey: string }>("/evidence/key");
  if (key.kind !== "ready") return null;
  return key.data.publicKey === publicKey ? (
    <span class="badge basis-admin-records" data-testid="key-check">
      the key this server publishes
    </span>
  ) : (
    <span class="badge risk-high" data-testid="key-check">
      not the key this server publishes now
    </span>
  );
}

function Lines({ title, lines }: { title: string; lines: string[] }) {
  if (lines.length === 0) return null;
  return (
    <details class="method">
      <summary>{title}</summary>
      <ul>
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </details>
  );
}
