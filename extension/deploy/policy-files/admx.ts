import { BROWSER_NAME, type Chromium, installSettings, REGISTRY_ROOT } from "./chromium";
import type { ManagedSchema, SchemaProperty } from "./settings";

/*
 * Administrative templates (ADMX + en-US ADML) for Group Policy and for Intune's ADMX
 * ingestion: one policy that force-installs and pins the extension, and one policy per
 * managed setting, each writing the registry value Chrome or Edge reads into storage.managed.
 */

export function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export const ADMX_CATEGORY = "Shadowlight";
export const INSTALL_POLICY = "InstallShadowlight";

export function admxName(browser: Chromium): string {
  return `shadowlight-${browser}`;
}

function element(key: string, property: SchemaProperty): string {
  if (property.type === "integer") return `<decimal id="${key}" valueName="${key}" />`;
  // Strings, and lists, dictionaries and fractions as JSON text.
  return `<text id="${key}" valueName="${key}" maxLength="4096" />`;
}

function presentation(key: string, property: SchemaProperty): string {
  const label = xml(property.title ?? key);
  if (property.type === "boolean") return `<presentation id="${key}" />`;
  if (property.type === "integer")
    return `<presentation id="${key}"><decimalTextBox refId="${key}">${label}</decimalTextBox></presentation>`;
  return `<presentation id="${key}"><textBox refId="${key}"><label>${label}</label></textBox></presentation>`;
}

export function admx(browser: Chromium, id: string, updateUrl: string, schema: ManagedSchema): string {
  const policyKey = `${REGISTRY_ROOT[browser]}\\3rdparty\\extensions\\${id}\\policy`;
  const installKey = `${REGISTRY_ROOT[browser]}\\ExtensionSettings\\${id}`;
  const install = installSettings(browser, updateUrl);
  const [pinName, pinValue] = Object.entries(install).find(([name]) => name.startsWith("toolbar_")) as [string, string];
  const policies = Object.entries(schema.properties).map(([key, property]) => {
    const common = `name="${key}" class="Machine" displayName="$(string.${key})" explainText="$(string.${key}_Explain)" key="${xml(policyKey)}"`;
    if (property.type === "boolean") {
      return `    <policy ${common} valueName="${key}">
      <parentCategory ref="${ADMX_CATEGORY}" />
      <supportedOn ref="SUPPORTED_Shadowlight" />
      <enabledValue><decimal value="1" /></enabledValue>
      <disabledValue><decimal value="0" /></disabledValue>
    </policy>`;
    }
    return `    <policy ${common} presentation="$(presentation.${key})">
      <parentCategory ref="${ADMX_CATEGORY}" />
      <supportedOn ref="SUPPORTED_Shadowlight" />
      <elements>${element(key, property)}</elements>
    </policy>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
  <policyNamespaces>
    <target prefix="shadowlight" namespace="Shadowlight.Policies.${browser === "chrome" ? "Chrome" : "Edge"}" />
  </policyNamespaces>
  <resources minRequiredRevision="1.0" />
  <supportedOn>
    <definitions>
      <definition name="SUPPORTED_Shadowlight" displayName="$(string.SUPPORTED_Shadowlight)" />
    </definitions>
  </supportedOn>
  <categories>
    <category name="${ADMX_CATEGORY}" displayName="$(string.${ADMX_CATEGORY})" />
  </categories>
  <policies>
    <policy name="${INSTALL_POLICY}" class="Machine" displayName="$(string.${INSTALL_POLICY})" explainText="$(string.${INSTALL_POLICY}_Explain)" key="${xml(installKey)}" valueName="installation_mode">
      <parentCategory ref="${ADMX_CATEGORY}" />
      <supportedOn ref="SUPPORTED_Shadowlight" />
      <enabledValue><string>force_installed</string></enabledValue>
      <enabledList>
        <item key="${xml(installKey)}" valueName="update_url"><value><string>${xml(updateUrl)}</string></value></item>
        <item key="${xml(installKey)}" valueName="${pinName}"><value><string>${pinValue}</string></value></item>
      </enabledList>
    </policy>
${policies.join("\n")}
  </policies>
</policyDefinitions>
`;
}

export function adml(browser: Chromium, schema: ManagedSchema): string {
  const strings: Array<[string, string]> = [
    ["SUPPORTED_Shadowlight", `${BROWSER_NAME[browser]} with the Shadowlight extension`],
    [ADMX_CATEGORY, `Shadowlight (${BROWSER_NAME[browser]})`],
    [INSTALL_POLICY, "Install Shadowlight and keep it in the toolbar"],
    [
      `${INSTALL_POLICY}_Explain`,
      "Installs the Shadowlight extension for every user of this computer, prevents its removal and keeps its icon visible in the toolbar.",
    ],
  ];
  for (const [key, property] of Object.entries(schema.properties)) {
    strings.push([key, property.title ?? key], [`${key}_Explain`, property.description ?? ""]);
  }
  const presentations = Object.entries(schema.properties)
    .filter(([, property]) => property.type !== "boolean")
    .map(([key, property]) => `      ${presentation(key, property)}`);
  return `<?xml version="1.0" encoding="utf-8"?>
<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
  <displayName>Shadowlight</displayName>
  <description>Shadowlight extension settings for ${BROWSER_NAME[browser]}</description>
  <resources>
    <stringTable>
${strings.map(([id, text]) => `      <string id="${id}">${xml(text)}</string>`).join("\n")}
    </stringTable>
    <presentationTable>
${presentations.join("\n")}
    </presentationTable>
  </resources>
</policyDefinitionResources>
`;
}
