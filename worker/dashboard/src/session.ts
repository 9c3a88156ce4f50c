/** Who is signed in: every view reads the role from here to disable what a viewer cannot do. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Me } from "./types";

export const MeContext = createContext<Me>({ actor: "", role: "viewer", k: 5 });

export function useMe(): Me {
  return useContext(MeContext);
}

/** Whether the signed-in role may change anything; the API enforces the same rule. */
export function useCanEdit(): boolean {
  return useContext(MeContext).role === "admin";
}
