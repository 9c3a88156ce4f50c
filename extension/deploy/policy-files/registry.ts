/*
 * Windows registry policy as data, written out as a .reg file (for GPO preferences, `reg
 * import`, or by hand) and as a PowerShell script (for Intune's platform scripts).
 */
export type RegistryValue =
  | { name: string; type: "sz"; data: string }
  | { name: string; type: "dword"; data: number }
  | { name: string; type: "multi_sz"; data: string };

export interface RegistryKey {
  /** Below HKEY_LOCAL_MACHINE, e.g. SOFTWARE\Policies\Google\Chrome. */
  path: string;
  values: RegistryValue[];
}

function quoted(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** REG_MULTI_SZ in .reg syntax: UTF-16LE bytes in hex, the string and the list each ended by a NUL. */
function multiString(text: string): string {
  const bytes = Buffer.from(`${text}\0\0`, "utf16le");
  return `hex(7):${[...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join(",")}`;
}

function regData(value: RegistryValue): string {
  if (value.type === "sz") return quoted(value.data);
  if (value.type === "dword") {
    if (!Number.isInteger(value.data) || value.data < 0 || value.data > 0xffffffff) {
      throw new Error(`${value.name}: ${value.data} does not fit a REG_DWORD`);
    }
    return `dword:${value.data.toString(16).padStart(8, "0")}`;
  }
  return multiString(value.data);
}

/** The text of a .reg file; write it as UTF-16LE with a byte order mark (see regFileBytes). */
function regFile(keys: RegistryKey[]): string {
  const lines = ["Windows Registry Editor Version 5.00", ""];
  for (const key of keys) {
    lines.push(`[HKEY_LOCAL_MACHINE\\${key.path}]`);
    for (const value of key.values) lines.push(`${quoted(value.name)}=${regData(value)}`);
    lines.push("");
  }
  return lines.join("\r\n");
}

/** regedit reads Version 5.00 files as UTF-16LE with a BOM, which keeps any non-ASCII group label. */
export function regFileBytes(keys: RegistryKey[]): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(regFile(keys), "utf16le")]);
}

function psString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A PowerShell script that sets the same keys and values, idempotently. */
export function powershellScript(keys: RegistryKey[], title: string): string {
  const lines = [
    `# ${title}`,
    "# Sets machine policy in the registry; run as SYSTEM (Intune platform script, 64-bit).",
    "$ErrorActionPreference = 'Stop'",
  ];
  for (const key of keys) {
    const path = psString(`HKLM:\\${key.path}`);
    lines.push(`New-Item -Path ${path} -Force | Out-Null`);
    for (const value of key.values) {
      const type = value.type === "sz" ? "String" : value.type === "dword" ? "DWord" : "MultiString";
      const data = value.type === "dword" ? String(value.data) : psString(value.data);
      lines.push(
        `New-ItemProperty -Path ${path} -Name ${psString(value.name)} -PropertyType ${type} -Value ${data} -Force | Out-Null`,
      );
    }
  }
  return `${lines.join("\r\n")}\r\n`;
}
