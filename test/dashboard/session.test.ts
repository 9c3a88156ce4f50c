import { h, render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { MeContext, useCanEdit, useMe } from "../../worker/dashboard/src/session";
import type { Me } from "../../worker/dashboard/src/types";

function signedInAs(me: Me | null): { canEdit: boolean; actor: string } {
  let seen = { canEdit: true, actor: "?" };
  function Probe() {
    seen = { canEdit: useCanEdit(), actor: useMe().actor };
    return null;
  }
  render(me ? h(MeContext.Provider, { value: me }, h(Probe, {})) : h(Probe, {}), document.body);
  return seen;
}

describe("the signed-in role", () => {
  afterEach(() => render(null, document.body));

  it("lets only an admin change anything, and assumes a viewer until told otherwise", () => {
    expect(signedInAs({ actor: "ana@example.com", role: "admin", k: 5 })).toEqual({
      canEdit: true,
      actor: "ana@example.com",
    });
    expect(signedInAs({ actor: "vic@example.com", role: "viewer", k: 5 }).canEdit).toBe(false);
    expect(signedInAs(null)).toEqual({ canEdit: false, actor: "" });
  });
});
