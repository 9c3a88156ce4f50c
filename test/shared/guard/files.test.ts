import { describe, expect, it } from "vitest";
import { readableAsText } from "../../../shared/guard/files";

const MB = 1_048_576;

describe("which files the guard reads", () => {
  it("reads text files by type, or by name when the browser gives no type", () => {
    for (const [name, type] of [
      ["notes.txt", "text/plain"],
      ["customers.csv", "text/csv"],
      ["export.json", "application/json"],
      [".env", ""],
      [".env.production", ""],
      ["id_ed25519", ""],
      ["server.pem", "application/octet-stream"],
      ["main.tf", ""],
      ["Report.MD", ""],
    ] as const) {
      expect(readableAsText({ name, type, size: 2_000 }, MB), `${name} ${type}`).toBe(true);
    }
  });

  it("never opens images, PDFs, office documents or archives, whatever their name says", () => {
    for (const [name, type] of [
      ["photo.jpg", "image/jpeg"],
      ["scan.pdf", "application/pdf"],
      ["budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
      ["contract.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
      ["backup.zip", "application/zip"],
      ["notes.txt", "image/png"],
      ["binary", ""],
      ["archive.tar.gz", "application/octet-stream"],
    ] as const) {
      expect(readableAsText({ name, type, size: 2_000 }, MB), `${name} ${type}`).toBe(false);
    }
  });

  it("reads nothing empty or over the policy's size", () => {
    expect(readableAsText({ name: "a.txt", type: "text/plain", size: 0 }, MB)).toBe(false);
    expect(readableAsText({ name: "a.txt", type: "text/plain", size: MB + 1 }, MB)).toBe(false);
    expect(readableAsText({ name: "a.txt", type: "text/plain", size: MB }, MB)).toBe(true);
    expect(readableAsText({ name: "a.txt", type: "text/plain", size: 10 }, 0)).toBe(false);
  });
});
