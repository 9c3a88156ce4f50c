import { useState } from "preact/hooks";
import { request, send, useAction, useResource } from "../api";
import { catalogCategories } from "../catalog";
import { Async, ConfirmButton, DataTable, PageTitle, Problem, ReadOnlyNote, RiskBadge } from "../components/ui";
import { when } from "../format";
import { INVENTORY_KIND_NAMES } from "../labels";
import { href } from "../router";
import { useCanEdit } from "../session";
import type { OrganizationEntriesResponse, OrganizationEntryView } from "../types";

/**
 * The organization's own catalog entries: internal or approved AI tools and extra hosts,
 * added here without a redeploy. The server validates each like a catalog file and audits
 * it; devices receive the entries with their next policy fetch.
 */
export default function Organization() {
  const [entries, reload] = useResource<OrganizationEntriesResponse>("/organization");
  return (
    <>
      <PageTitle title="Catalog additions" />
      <p class="intro">
        AI tools the catalog does not know that your organization runs or approved: an internal assistant, a tenant's
        own host, an API endpoint. Devices recognize them with their next policy fetch. A candidate domain can be added
        from the <a href="#/candidates">candidates</a> with one click.
      </p>
      <AddForm onAdded={reload} />
      <Async resource={entries} what="the catalog additions">
        {(data) => <List entries={data.entries} onChanged={reload} />}
      </Async>
    </>
  );
}

/** Lowercase words joined by hyphens: the id an entry gets from its name. */
function idOf(name: string): string {
  const words = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `org-${words}`.slice(0, 64).replace(/-+$/, "");
}

function AddForm({ onAdded }: { onAdded: () => void }) {
  const canEdit = useCanEdit();
  const { busy, error, run } = useAction(onAdded);
  const [name, setName] = useState("");
  const [vendor, setVendor] = useState("");
  const [category, setCategory] = useState("chat");
  const [hosts, setHosts] = useState("");
  const [apiHosts, setApiHosts] = useState("");
  const list = (text: string) => [...new Set(text.split(/[\s,]+/).filter(Boolean))].sort();
  const submit = (event: Event) => {
    event.preventDefault();
    const entry = { id: idOf(name), name, vendor, category, hosts: list(hosts), apiHosts: list(apiHosts) };
    run(() => send("PUT", `/organization/${encodeURIComponent(entry.id)}`, entry), "add");
  };
  return (
    <form class="filters organization-form" aria-label="Add a catalog entry" onSubmit={submit}>
      <label>
        Name
        <input required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Provided by
        <input required value={vendor} onInput={(e) => setVendor((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Category
        <select value={category} onChange={(e) => setCategory((e.target as HTMLSelectElement).value)}>
          {catalogCategories.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </label>
      <label>
        Hosts
        <input
          value={hosts}
          placeholder="assistant.example.com"
          onInput={(e) => setHosts((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        API hosts
        <input
          value={apiHosts}
          placeholder="example.openai.azure.com"
          onInput={(e) => setApiHosts((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" disabled={!canEdit || busy !== null}>
        Add to the catalog
      </button>
      <Problem error={error} />
    </form>
  );
}

function List({ entries, onChanged }: { entries: OrganizationEntryView[]; onChanged: () => void }) {
  const canEdit = useCanEdit();
  const { busy, error, run } = useAction(onChanged);
  if (entries.length === 0) return <p class="empty-inline">No additions yet.</p>;
  const remove = (id: string) =>
    run(() => request(`/organization/${encodeURIComponent(id)}`, { method: "DELETE" }), id);
  return (
    <>
      <ReadOnlyNote action="change catalog additions" />
      <Problem error={error} />
      <DataTable class="organization" columns={["Entry", "Kind", "Hosts", "Risk", "Added", ""]}>
        {entries.map(({ entry, kind, level, risk, createdAt, createdBy }) => (
          <tr key={entry.id} data-entry={entry.id}>
            <th scope="row">
              <a href={href(["tools", entry.extends ?? entry.id])}>{entry.name}</a>
              <span class="vendor">
                {entry.vendor}
                {entry.extends ? ` · adds hosts to ${entry.extends}` : ""}
              </span>
            </th>
            <td>{INVENTORY_KIND_NAMES[kind]}</td>
            <td class="mono">
              {[...entry.hosts, ...entry.apiHosts, ...entry.paths.map((p) => `${p.host}${p.prefix}`)].join(", ")}
            </td>
            <td>
              <RiskBadge level={level} risk={risk} />
            </td>
            <td class="nowrap">
              {when(createdAt)} by {createdBy}
            </td>
            <td class="row-actions">
              <ConfirmButton
                label={`Remove ${entry.name}`}
                text="Remove"
                confirmText="Remove from the catalog"
                disabled={!canEdit || busy !== null}
                onConfirm={() => remove(entry.id)}
              />
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
