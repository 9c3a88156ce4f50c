import type { CompiledTool } from "../../shared/catalog/compile";

/** A compiled catalog entry for policy tests: ChatGPT as the index holds it, with `over` applied. */
export function compiledTool(over: Partial<CompiledTool> = {}): CompiledTool {
  return {
    id: "chatgpt",
    name: "ChatGPT",
    category: "chat",
    vendor: "OpenAI",
    home: "https://chatgpt.com/",
    risk: 40,
    level: "medium",
    ...over,
  };
}
