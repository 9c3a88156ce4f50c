/**
 * CPU time of a browser's processes for `npm run bench:nudge`, read from /proc (Linux): each
 * process descending from the browser's own, and which of them runs the extension's service
 * worker (found by its thread's name).
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Browser } from "puppeteer-core";

/**
 * CPU time (user + system, from /proc) of each process of the browser, in ms, and which one
 * runs the extension's service worker: the browser's only service worker, found by its thread.
 * Processes are found as descendants of the browser's own process.
 */
export function processCpu(browser: Browser): { cpuMs: Map<number, number>; background: number | null } {
  const root = browser.process()?.pid;
  if (root === undefined) throw new Error("the browser has no process");
  const all = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // USER_HZ is 100 on Linux: a tick is 10 ms.
        return [{ pid: Number(pid), ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 }];
      } catch {
        return [];
      }
    });
  const ours = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!ours.has(p.pid) && ours.has(p.ppid)) {
        ours.add(p.pid);
        grew = true;
      }
    }
  }
  const cpuMs = new Map(all.filter((p) => ours.has(p.pid)).map((p) => [p.pid, p.cpuMs]));
  const background =
    [...cpuMs.keys()].find((pid) => {
      try {
        return readdirSync(`/proc/${pid}/task`).some((task) =>
          readFileSync(`/proc/${pid}/task/${task}/comm`, "utf8").startsWith("ServiceWorker"),
        );
      } catch {
        return false;
      }
    }) ?? null;
  return { cpuMs, background };
}

/** CPU the background's process spent since `before` (a process started since counts from zero). */
export function backgroundCpuSince(browser: Browser, before: Map<number, number>): number {
  const now = processCpu(browser);
  if (now.background === null) throw new Error("found no process running the extension's service worker");
  return (now.cpuMs.get(now.background) ?? 0) - (before.get(now.background) ?? 0);
}
