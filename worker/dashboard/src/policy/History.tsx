import { useState } from "preact/hooks";
import { useResource } from "../api";
import { Loading, Problem, TableHead } from "../components/ui";
import { when } from "../format";
import type { Policy, PolicyIndex } from "../types";
import { Diff } from "./DiffView";
import { policyText } from "./diff";

/** Every published version, and what each changed against the one before. */
export function History({ index }: { index: PolicyIndex }) {
  const versions = [...index.versions].sort((a, b) => b.version - a.version);
  const [selected, setSelected] = useState(versions[0]?.version ?? index.current.version);
  const previous = versions.find((v) => v.version < selected)?.version ?? null;
  const [after] = useResource<{ policy: Policy }>(`/policy/${selected}`);
  const [before] = useResource<{ policy: Policy }>(previous === null ? null : `/policy/${previous}`);
  return (
    <section class="card" aria-labelledby="history-title">
      <h3 id="history-title">Published versions</h3>
      <table class="data" data-testid="policy-versions">
        <TableHead columns={["Version", "Published", "By", "Changes"]} />
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-version={v.version} class={v.version === selected ? "current" : ""}>
              <th scope="row">v{v.version}</th>
              <td>{when(v.publishedAt)}</td>
              <td>{v.publishedBy}</td>
              <td>
                <button
                  type="button"
                  class="secondary small"
                  aria-pressed={v.version === selected}
                  onClick={() => setSelected(v.version)}
                >
                  Show changes in v{v.version}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>{previous === null ? `v${selected}: the first version` : `Changes from v${previous} to v${selected}`}</h4>
      {previous === null ? (
        <p class="muted">There is no earlier version to compare with.</p>
      ) : after.kind === "ready" && before.kind === "ready" ? (
        <Diff before={policyText(before.data.policy)} after={policyText(after.data.policy)} />
      ) : after.kind === "error" || before.kind === "error" ? (
        <Problem error={after.kind === "error" ? after.error : before.kind === "error" ? before.error : null} />
      ) : (
        <Loading what="the versions" />
      )}
    </section>
  );
}
