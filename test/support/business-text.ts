/**
 * Ordinary business text for the guard's false-positive corpus and benchmark, generated
 * from a seed: the kinds of pastes people make at work (source code, logs, CSV and Markdown
 * tables, invoices, order confirmations, meeting notes, JSON API responses, configuration),
 * full of the numbers such text really carries: amounts, dates, timestamps, order, invoice
 * and customer numbers, EAN-13 barcodes, ISBNs, phone numbers, VAT ids, postcodes, UUIDs,
 * hashes, IP addresses and version strings. None of it is sensitive data.
 */
import { pick, type Rng } from "./guard-samples";

const COMPANIES = ["Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella", "Vandelay", "Stark", "Wayne"];
const PEOPLE = ["Anna", "Ben", "Chen", "Dana", "Emil", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena"];
const PRODUCTS = ["Widget", "Gadget", "Sprocket", "Flange", "Bracket", "Valve", "Gasket", "Bearing", "Sensor", "Cable"];
const CITIES = ["Berlin", "Munich", "Hamburg", "Paris", "Lyon", "London", "Leeds", "Madrid", "Milan", "Vienna"];
const WORDS = (
  "the a of and to in for on with as by at from that this we our will be is are was were have has " +
  "project team customer order invoice delivery release budget quarter plan review meeting update " +
  "report sales revenue cost margin target forecast risk issue action owner deadline milestone " +
  "feature bug test deploy service api client server database query cache latency error request"
).split(" ");

function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function num(rng: Rng, length: number): string {
  let out = String(int(rng, 1, 9));
  for (let i = 1; i < length; i++) out += String(int(rng, 0, 9));
  return out;
}

function hex(rng: Rng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += "0123456789abcdef"[int(rng, 0, 15)];
  return out;
}

function uuid(rng: Rng): string {
  return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${pick(rng, ["8", "9", "a", "b"])}${hex(rng, 3)}-${hex(rng, 12)}`;
}

function date(rng: Rng): string {
  return `20${int(rng, 19, 26)}-${String(int(rng, 1, 12)).padStart(2, "0")}-${String(int(rng, 1, 28)).padStart(2, "0")}`;
}

function amount(rng: Rng): string {
  return (int(rng, 100, 2_500_000) / 100).toFixed(2);
}

function sentence(rng: Rng, words = int(rng, 6, 16)): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(pick(rng, WORDS));
  const text = out.join(" ");
  return `${text[0]?.toUpperCase()}${text.slice(1)}.`;
}

/** An EAN-13 with its real check digit (weights 1 and 3). */
function ean13(rng: Rng): string {
  const body = `${pick(rng, ["400", "401", "405", "440", "300", "800", "500", "871"])}${num(rng, 9)}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + ((10 - (sum % 10)) % 10);
}

function phone(rng: Rng): string {
  return pick(rng, [
    `+49 30 ${num(rng, 7)}`,
    `+44 20 ${num(rng, 4)} ${num(rng, 4)}`,
    `+33 1 ${num(rng, 2)} ${num(rng, 2)} ${num(rng, 2)} ${num(rng, 2)}`,
    `(555) ${num(rng, 3)}-${num(rng, 4)}`,
    `0${num(rng, 3)} ${num(rng, 7)}`,
  ]);
}

function invoice(rng: Rng): string {
  const lines = [
    `${pick(rng, COMPANIES)} GmbH · ${pick(rng, CITIES)} · VAT DE${num(rng, 9)} · Tel ${phone(rng)}`,
    `Invoice INV-${int(rng, 2019, 2026)}-${num(rng, 5)}   Date ${date(rng)}   Customer no. ${num(rng, 7)}`,
    `Order ${num(rng, 10)}   Delivery note LS-${num(rng, 8)}   Due ${date(rng)}`,
    "",
    "Pos  Item                      EAN            Qty   Unit price   Total",
  ];
  for (let i = 1; i <= int(rng, 2, 9); i++) {
    lines.push(
      `${String(i).padStart(3)}  ${pick(rng, PRODUCTS).padEnd(24)}  ${ean13(rng)}  ${String(int(rng, 1, 500)).padStart(4)}   ${amount(rng).padStart(10)}   ${amount(rng).padStart(10)}`,
    );
  }
  lines.push("", `Net ${amount(rng)} EUR   VAT 19% ${amount(rng)} EUR   Total ${amount(rng)} EUR`);
  lines.push(`Payment within ${int(rng, 10, 60)} days. Reference ${num(rng, 6)}/${int(rng, 1, 99)}.`);
  return lines.join("\n");
}

function csvTable(rng: Rng): string {
  const lines = ["region,quarter,orders,revenue_eur,margin_pct,units,avg_basket,store_id,updated"];
  for (let i = 0; i < int(rng, 5, 40); i++) {
    lines.push(
      [
        pick(rng, CITIES),
        `Q${int(rng, 1, 4)} ${int(rng, 2019, 2026)}`,
        int(rng, 10, 99999),
        amount(rng),
        (rng() * 40).toFixed(1),
        int(rng, 1, 999999),
        (rng() * 300).toFixed(2),
        num(rng, int(rng, 4, 9)),
        date(rng),
      ].join(","),
    );
  }
  return lines.join("\n");
}

function markdownTable(rng: Rng): string {
  const lines = ["| Year | Q1 | Q2 | Q3 | Q4 | Total |", "|---|---:|---:|---:|---:|---:|"];
  for (let year = int(rng, 2015, 2020); year <= 2026; year++) {
    const q = [0, 0, 0, 0].map(() => int(rng, 1000, 9999));
    lines.push(`| ${year} | ${q.join(" | ")} | ${q.reduce((a, b) => a + b, 0)} |`);
  }
  return lines.join("\n");
}

function logLines(rng: Rng): string {
  const lines: string[] = [];
  for (let i = 0; i < int(rng, 10, 60); i++) {
    const time = `${date(rng)}T${String(int(rng, 0, 23)).padStart(2, "0")}:${String(int(rng, 0, 59)).padStart(2, "0")}:${String(int(rng, 0, 59)).padStart(2, "0")}.${num(rng, 3)}Z`;
    lines.push(
      pick(rng, [
        `${time} INFO  request id=${uuid(rng)} method=GET path=/api/v2/orders/${num(rng, 8)} status=200 duration_ms=${int(rng, 1, 900)}`,
        `${time} WARN  cache miss key=product:${num(rng, 6)} ttl=${int(rng, 60, 86400)} node=10.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`,
        `${time} ERROR job ${hex(rng, 12)} failed after ${int(rng, 1, 5)} attempts: timeout after ${int(rng, 1000, 30000)}ms`,
        `${Math.floor(1.7e12 + rng() * 1e11)} trace=${hex(rng, 32)} span=${hex(rng, 16)} user=${num(rng, 6)} bytes=${int(rng, 100, 9999999)}`,
        `${time} DEBUG commit ${hex(rng, 40)} deployed to eu-west-${int(rng, 1, 3)} build #${int(rng, 1000, 99999)} v${int(rng, 1, 9)}.${int(rng, 0, 30)}.${int(rng, 0, 99)}`,
        `${time} INFO  snowflake=1${num(rng, 17)} shard=${int(rng, 0, 63)} lag=${int(rng, 0, 5000)}`,
      ]),
    );
  }
  return lines.join("\n");
}

function sourceCode(rng: Rng): string {
  const name = pick(rng, PRODUCTS).toLowerCase();
  return pick(rng, [
    `export async function load${pick(rng, PRODUCTS)}(id: string): Promise<${pick(rng, PRODUCTS)} | null> {\n  const row = await db.query("SELECT * FROM ${name}s WHERE id = $1 AND tenant = $2", [id, ${num(rng, 5)}]);\n  if (!row) return null;\n  const ttl = ${int(rng, 60, 86400)} * 1000;\n  cache.set(\`${name}:\${id}\`, row, ttl);\n  return { ...row, price: Math.round(row.price * ${(1 + rng()).toFixed(2)}) };\n}`,
    `def ${name}_report(rows):\n    total = sum(r["amount"] for r in rows)\n    threshold = ${int(rng, 1000, 100000)}\n    for r in rows:\n        if r["amount"] > threshold:\n            log.warning("large ${name} %s: %.2f", r["id"], r["amount"])\n    return {"total": round(total, 2), "count": len(rows), "seed": ${num(rng, 9)}}`,
    `const CONFIG = {\n  retries: ${int(rng, 1, 9)},\n  timeoutMs: ${int(rng, 1000, 60000)},\n  bucket: "${name}-assets-${int(rng, 1, 99)}",\n  checksum: "sha256-${hex(rng, 64)}",\n  build: ${num(rng, 10)},\n  released: "${date(rng)}",\n};`,
    `SELECT o.id, o.created_at, c.name, SUM(l.qty * l.unit_price) AS total\nFROM orders o JOIN customers c ON c.id = o.customer_id JOIN lines l ON l.order_id = o.id\nWHERE o.created_at >= '${date(rng)}' AND c.segment IN (${int(rng, 1, 9)}, ${int(rng, 10, 99)})\nGROUP BY o.id, o.created_at, c.name HAVING SUM(l.qty) > ${int(rng, 1, 500)} LIMIT ${int(rng, 10, 1000)};`,
    `{\n  "id": "${uuid(rng)}",\n  "sku": "${pick(rng, PRODUCTS).toUpperCase()}-${num(rng, 6)}",\n  "ean": "${ean13(rng)}",\n  "isbn": "978-${int(rng, 0, 9)}-${num(rng, 3)}-${num(rng, 5)}-${int(rng, 0, 9)}",\n  "price": ${amount(rng)},\n  "stock": ${int(rng, 0, 9999)},\n  "updatedAt": ${Math.floor(1.7e12 + rng() * 1e11)}\n}`,
  ]);
}

function notes(rng: Rng): string {
  const lines = [`Meeting notes ${date(rng)} · ${pick(rng, COMPANIES)} / ${pick(rng, COMPANIES)}`, ""];
  for (let i = 0; i < int(rng, 3, 10); i++) {
    lines.push(
      pick(rng, [
        `- ${pick(rng, PEOPLE)}: ${sentence(rng)}`,
        `- Action (${pick(rng, PEOPLE)}, due ${date(rng)}): ${sentence(rng, 8)}`,
        `- Budget ${amount(rng)} EUR approved for Q${int(rng, 1, 4)}; PO ${num(rng, 10)}.`,
        `- Call ${pick(rng, PEOPLE)} on ${phone(rng)} about ticket #${num(rng, 5)}.`,
        `- Ship to ${pick(rng, CITIES)} ${num(rng, 5)}, tracking 1Z${num(rng, 16)}.`,
        `- ${sentence(rng)} ${sentence(rng)}`,
      ]),
    );
  }
  return lines.join("\n");
}

const KINDS = [invoice, csvTable, markdownTable, logLines, sourceCode, notes] as const;

/** One ordinary paste of a random kind. */
export function businessPaste(rng: Rng): string {
  return pick(rng, KINDS)(rng);
}

/** Ordinary text of about `length` characters, made of pastes of every kind. */
export function businessText(rng: Rng, length: number): string {
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const paste = businessPaste(rng);
    parts.push(paste);
    size += paste.length + 2;
  }
  return parts.join("\n\n").slice(0, length);
}
