/**
 * A CPU profile of the worker's JavaScript under `wrangler dev`, through the DevTools inspector
 * (the port given to startWorker): sampled while `record` runs, then summed by function, so a
 * benchmark can print where one kind of request spends the worker's time. The queue's and
 * D1's local simulators run in other isolates of the same process and are not in it.
 */

import { readdirSync, readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** Microseconds of samples per function ("name file:line"), summed over every recording. */
export type SelfTimes = Map<string, number>;

export class WorkerProfiler {
  private socket: WebSocket | null = null;
  private next = 0;
  private readonly answers = new Map<number, (result: unknown) => void>();

  constructor(private readonly inspectorPort: number) {}

  private async connect(): Promise<WebSocket> {
    if (this.socket) return this.socket;
    const targets = (await (await fetch(`http://127.0.0.1:${this.inspectorPort}/json`)).json()) as Array<{
      webSocketDebuggerUrl?: string;
    }>;
    const target = targets.find((each) => each.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
    if (!target) throw new Error(`the inspector on port ${this.inspectorPort} lists no worker to profile`);
    // Wrangler's inspector proxy accepts only connections from a local Origin; Node's WebSocket
    // (undici's) takes headers in its second argument, which the DOM's type does not know.
    const NodeWebSocket = WebSocket as unknown as new (
      url: string,
      init: { headers: Record<string, string> },
    ) => WebSocket;
    const socket = new NodeWebSocket(target, { headers: { Origin: "http://127.0.0.1" } });
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error(`cannot reach the inspector at ${target}`)), {
        once: true,
      });
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return;
      const answer = this.answers.get(message.id);
      this.answers.delete(message.id);
      answer?.(message.error ? new Error(message.error.message) : message.result);
    });
    this.socket = socket;
    await this.call("Profiler.enable");
    await this.call("Profiler.setSamplingInterval", { interval: 250 });
    return socket;
  }

  private async call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const socket = this.socket;
    if (!socket) throw new Error("the profiler is not connected");
    const id = ++this.next;
    const result = new Promise<unknown>((resolve) => this.answers.set(id, resolve));
    socket.send(JSON.stringify({ id, method, params }));
    const answer = await result;
    if (answer instanceof Error) throw new Error(`${method}: ${answer.message}`);
    return answer;
  }

  /** Profiles the worker while `work` runs and adds each function's own time to `into`. */
  async record<T>(into: SelfTimes, work: () => Promise<T>): Promise<T> {
    await this.connect();
    await this.call("Profiler.start");
    try {
      return await work();
    } finally {
      const { profile } = (await this.call("Profiler.stop")) as { profile: CpuProfile };
      addSelfTimes(into, profile);
    }
  }

  close(): void {
    this.socket?.close();
    this.socket = null;
  }
}

function addSelfTimes(into: SelfTimes, profile: CpuProfile): void {
  const samples = profile.samples?.length ?? 0;
  if (samples === 0) return;
  const perSample = (profile.endTime - profile.startTime) / samples;
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split("/").pop() ?? "";
    const key = file ? `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}` : functionName;
    into.set(key, (into.get(key) ?? 0) + node.hitCount * perSample);
  }
}

/** The `top` functions by own time, with their share of the busy (non-idle) time. */
export function topSelfTimes(times: SelfTimes, top: number): Array<{ name: string; ms: number; share: number }> {
  const busy = [...times].filter(([name]) => name !== "(idle)");
  const total = busy.reduce((sum, [, us]) => sum + us, 0);
  return busy
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({
      name,
      ms: Math.round(us / 100) / 10,
      share: total ? Math.round((us / total) * 1000) / 10 : 0,
    }));
}

/** Busy (non-idle) milliseconds in `times`. */
export function busyMs(times: SelfTimes): number {
  let total = 0;
  for (const [name, us] of times) if (name !== "(idle)") total += us;
  return Math.round(total / 100) / 10;
}

/**
 * CPU milliseconds used so far by every thread of the processes of process group `group` (the
 * local worker: wrangler, workerd and in it the local queue and D1), from /proc's scheduler
 * statistics (nanoseconds); null where there is no /proc. Threads that ended are no longer
 * counted, so compare readings taken while the same processes run.
 */
export function processGroupCpuMs(group: number): number | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  let nanoseconds = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // After "(command)": state, ppid, pgrp.
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) !== group) continue;
      for (const task of readdirSync(`/proc/${entry}/task`)) {
        nanoseconds += Number(readFileSync(`/proc/${entry}/task/${task}/schedstat`, "utf8").split(" ")[0]);
      }
    } catch {
      // The process or thread ended meanwhile.
    }
  }
  return nanoseconds / 1e6;
}
