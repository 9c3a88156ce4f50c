import { handlers } from "../../extension/background/handlers";
import { createRouter, type Sender } from "../../extension/background/router";

/** The extension as the background's router sees itself in these tests. */
export const EXTENSION = { id: "extension-id", baseUrl: "chrome-extension://extension-id/" };

/** The background's message router with every real handler. */
export const route = createRouter(handlers, EXTENSION);

/** A content script's sender: the top frame of `tab`, showing `url` in the document `documentId`. */
export const page = (url: string, tab = 7, documentId = "document-1"): Sender => ({
  id: EXTENSION.id,
  url,
  tab: { id: tab },
  frameId: 0,
  documentId,
});
