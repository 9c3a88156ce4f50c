import type { EvidenceFigure } from "../../shared/admin";

/*
 * What each evidence figure rests on and what it cannot prove: beside every figure, in every
 * pack, so an auditor reads the limits with the number.
 */

const SELF_REPORTED =
  "Counted from what the devices reported; the worker refuses counts an honest extension could not have sent, and each device counts once.";
const TOOLS_FROM_DEVICES =
  "The list of tools in use comes from device reports: a tool used where no extension runs (another browser, a phone) is not in it.";

/** Where each figure comes from, what it shows and cannot show, and what would prove it wrong. */
export const TRUST = {
  "devices-reporting": {
    basis: "device-reports",
    trust: `${SELF_REPORTED} It shows how much of the fleet the other device figures rest on. A device switched off, uninstalled or kept from the server is not counted; an MDM inventory listing more browsers with the extension than enrolled devices would show such a gap.`,
  },
  "policy-acknowledged": {
    basis: "device-reports",
    trust: `${SELF_REPORTED} A device counts when it confirmed this version after being shown it; the nudge accepts only a real click or key press, never a page script. It shows the policy was put in front of people and confirmed, not that it was read or understood. A device can under-report or stay silent, never count twice.`,
  },
  "nudges-acknowledged": {
    basis: "device-reports",
    trust: `${SELF_REPORTED} Answers without a reminder shown that day are refused. It shows reminders at the moment of use were confirmed, not that they changed behaviour.`,
  },
  "exceptions-decided": {
    basis: "admin-records",
    trust:
      "The requests come from devices (reasons from the policy's list only); the decisions from the exceptions register, recorded with who made them in the audit log.",
  },
  "tools-reviewed": {
    basis: "admin-records",
    trust: `The reviews are the security team's records, each change in the audit log. ${TOOLS_FROM_DEVICES}`,
  },
  "tools-owned": {
    basis: "admin-records",
    trust: `Owners are the security team's records. ${TOOLS_FROM_DEVICES}`,
  },
  "high-risk-tools-controlled": {
    basis: "admin-records",
    trust: `Risk levels come from the public catalog's sourced facts; statuses from the reviews. ${TOOLS_FROM_DEVICES}`,
  },
  "reviews-current": {
    basis: "admin-records",
    trust: "Review dates are the security team's records, compared with the last day of the period.",
  },
  "candidates-triaged": {
    basis: "admin-records",
    trust:
      "Unknown domains come from devices (registrable domain only, at most 50 a day per device); triage states from the security team's records.",
  },
  "guard-warnings-heeded": {
    basis: "device-reports",
    trust: `${SELF_REPORTED} A warning counts only where the policy warns about what the device's own detectors found, and an answer only once, for a warning counted before and from the person's own click (never a page script); answers outnumbering warnings are refused. It shows that people met the warning and what they chose, not whether the data was really sensitive (detectors can err) nor what was shared where no extension runs.`,
  },
  "literacy-coverage": {
    basis: "device-reports",
    trust: `${SELF_REPORTED} A device counts when it completed each lesson relevant to the AI tools it used, answering every check question correctly; no answer leaves the device, only that it was completed. It shows that people met short, tool-specific lessons at the moment of use, not what they understood or remember. ${TOOLS_FROM_DEVICES}`,
  },
  "lessons-in-force": {
    basis: "admin-records",
    trust:
      "From the published policy, which no device can change; each new lesson version is in the audit log, and every text is in this pack's annex.",
  },
  "policy-versions-published": {
    basis: "admin-records",
    trust:
      "From the server's record of publications, which no device can change; each publication is in the audit log.",
  },
} as const satisfies Record<string, { basis: EvidenceFigure["basis"]; trust: string }>;

/** What a dishonest device can and cannot do, stated in every pack. */
export function trustModel(excludedDevices: number): string[] {
  return [
    "Device figures are self-reported by the browser extension. The worker refuses, with nothing stored, counts for unpublished policy versions or dated before a version's publication, answers outnumbering the reminders shown that day, and values above what one person could do in a day.",
    "Every device figure counts distinct devices, never sums of reported counts: one device moves a figure by one at most.",
    `Devices whose daily counts stood far above the fleet's are left out until an administrator reviews them (${excludedDevices} left out for this pack).`,
    "A dishonest device can still under-report, stay silent or be uninstalled, and can claim plausible behaviour that did not happen; the figures are therefore a record of the awareness measures in place and a lower bound of use.",
    "Enrollment tokens carry their group and a device cap, so no device can invent a group or fill a small one with fake devices.",
  ];
}

/** Why the pack's figures may differ from the dashboard's views. */
export const NOTES = [
  "Tools here are those used in the period; the dashboard's overview counts every tool seen since installation, and its inventory lists every tool seen, including those used by fewer than k devices.",
  "Device figures leave out devices flagged as outliers until an administrator keeps them; the dashboard's device list shows every device.",
  "Reviews, owners, exception decisions and triage states are as at the time of generation; the audit log holds their history.",
];
