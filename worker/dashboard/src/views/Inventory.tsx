import { useEffect, useState } from "preact/hooks";
import { api } from "../api";

interface InventoryTool {
  id: string;
  name: string;
  category: string;
  vendor: string;
  status: string;
  risk: number;
  level: string;
  devices7: number;
  devices30: number;
  visits: number;
  firstSeen: string;
  lastSeen: string;
}

type State = { kind: "loading" } | { kind: "error"; message: string } | { kind: "ready"; tools: InventoryTool[] };

export function Inventory({ onUnauthorized }: { onUnauthorized: () => void }) {
  const [state, setState] = useState<State>({ kind: "loading" });
  useEffect(() => {
    api<{ tools: InventoryTool[] }>("/inventory")
      .then((body) => setState({ kind: "ready", tools: body.tools }))
      .catch((error: Error & { status?: number }) => {
        if (error.status === 401 || error.status === 403) onUnauthorized();
        setState({ kind: "error", message: error.message });
      });
  }, [onUnauthorized]);

  if (state.kind === "loading")
    return (
      <p class="muted" role="status">
        Loading the inventory…
      </p>
    );
  if (state.kind === "error")
    return (
      <p class="error" role="alert">
        Could not load the inventory: {state.message}
      </p>
    );
  if (state.tools.length === 0) {
    return (
      <section class="empty">
        <h2>No AI tools seen yet</h2>
        <p>
          Load the Shadowlight extension in a browser (see the instructions <code>npm start</code> printed), open an AI
          tool such as chatgpt.com, then press <strong>Send now</strong> in the extension's popup.
        </p>
      </section>
    );
  }
  return (
    <table class="inventory">
      <caption>AI tools in use ({state.tools.length})</caption>
      <thead>
        <tr>
          <th scope="col">Tool</th>
          <th scope="col">Category</th>
          <th scope="col">Status</th>
          <th scope="col">Risk</th>
          <th scope="col" class="num">
            Devices 7 d
          </th>
          <th scope="col" class="num">
            Devices 30 d
          </th>
          <th scope="col" class="num">
            Visits
          </th>
          <th scope="col">First seen</th>
          <th scope="col">Last seen</th>
        </tr>
      </thead>
      <tbody>
        {state.tools.map((tool) => (
          <tr key={tool.id} data-tool={tool.id}>
            <th scope="row">
              {tool.name}
              <span class="vendor">{tool.vendor}</span>
            </th>
            <td>{tool.category}</td>
            <td>
              <span class={`status status-${tool.status}`}>{tool.status.replace(/_/g, " ")}</span>
            </td>
            <td>
              <span class={`risk risk-${tool.level}`}>
                {tool.level} ({tool.risk})
              </span>
            </td>
            <td class="num">{tool.devices7}</td>
            <td class="num">{tool.devices30}</td>
            <td class="num">{tool.visits}</td>
            <td>{tool.firstSeen}</td>
            <td>{tool.lastSeen}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
