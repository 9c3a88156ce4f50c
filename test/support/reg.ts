/*
 * A strict reader of .reg files (Windows Registry Editor Version 5.00), written for the tests
 * independently of the writer: it accepts only what regedit reads and fails on anything else.
 */
type ParsedValue =
  | { type: "sz"; data: string }
  | { type: "dword"; data: number }
  | { type: "multi_sz"; data: string[] };

export type ParsedReg = Map<string, Map<string, ParsedValue>>;

function unquote(text: string, line: number): [string, string] {
  if (!text.startsWith('"')) throw new Error(`line ${line}: expected a quoted string in ${text}`);
  let out = "";
  for (let i = 1; i < text.length; i++) {
    const char = text[i] as string;
    if (char === "\\") {
      const next = text[++i];
      if (next !== "\\" && next !== '"') throw new Error(`line ${line}: bad escape \\${next}`);
      out += next;
    } else if (char === '"') {
      return [out, text.slice(i + 1)];
    } else {
      out += char;
    }
  }
  throw new Error(`line ${line}: unterminated string`);
}

export function parseReg(bytes: Buffer): ParsedReg {
  if (bytes[0] !== 0xff || bytes[1] !== 0xfe) throw new Error("a Version 5.00 .reg file starts with a UTF-16LE BOM");
  const lines = bytes.subarray(2).toString("utf16le").split("\r\n");
  if (lines[0] !== "Windows Registry Editor Version 5.00") throw new Error(`bad header: ${lines[0]}`);
  const keys: ParsedReg = new Map();
  let current: Map<string, ParsedValue> | undefined;
  lines.slice(1).forEach((text, index) => {
    const line = index + 2;
    if (text === "") return;
    const key = /^\[HKEY_LOCAL_MACHINE\\([^\]\r\n]+)\]$/.exec(text);
    if (key?.[1]) {
      if (keys.has(key[1])) throw new Error(`line ${line}: key ${key[1]} twice`);
      current = new Map();
      keys.set(key[1], current);
      return;
    }
    if (!current) throw new Error(`line ${line}: value outside a key`);
    const [name, rest] = unquote(text, line);
    if (!rest.startsWith("=")) throw new Error(`line ${line}: expected = after the value name`);
    const data = rest.slice(1);
    let value: ParsedValue;
    if (data.startsWith('"')) {
      const [string, after] = unquote(data, line);
      if (after !== "") throw new Error(`line ${line}: text after the string: ${after}`);
      value = { type: "sz", data: string };
    } else if (/^dword:[0-9a-f]{8}$/.test(data)) {
      value = { type: "dword", data: Number.parseInt(data.slice(6), 16) };
    } else if (/^hex\(7\):([0-9a-f]{2},)*[0-9a-f]{2}$/.test(data)) {
      const raw = Buffer.from(
        data
          .slice(7)
          .split(",")
          .map((byte) => Number.parseInt(byte, 16)),
      );
      const text16 = raw.toString("utf16le");
      if (!text16.endsWith("\0\0")) throw new Error(`line ${line}: REG_MULTI_SZ must end with two NULs`);
      value = { type: "multi_sz", data: text16.slice(0, -2).split("\0") };
    } else {
      throw new Error(`line ${line}: unknown value syntax ${data.slice(0, 40)}`);
    }
    if (current.has(name)) throw new Error(`line ${line}: value ${name} twice`);
    current.set(name, value);
  });
  return keys;
}
