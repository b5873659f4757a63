// The side-by-side workloads on Node's event loop with async/await.
//
// Usage: node --expose-gc node_workloads.mjs spawn N | switch TASKS YIELDS | pingpong N
//                                            | timers N MAX_MS | idle N
//
// Same workloads, warm-up and output as dev.aio4j.bench.compare.AioWorkloads. Node has no task
// object: a task is an async function call, a switch yields to the event loop (setImmediate,
// as asyncio.sleep(0) yields to the loop, not only to the microtask queue), the queue is a small
// promise-based FIFO like asyncio.Queue, the event one shared promise.

import { readFileSync } from "node:fs";

const now = () => process.hrtime.bigint();
const ns = (a, b) => Number(b - a);

function rssBytes() {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

function collect() {
  if (globalThis.gc) {
    globalThis.gc();
    globalThis.gc();
  }
}

// The size of a warm-up round: cap, or AIO4J_BENCH_WARMUP if smaller; independent of n.
const warmSize = (n, cap) => Math.max(1, Math.min(cap, Number(process.env.AIO4J_BENCH_WARMUP || cap)));

async function nothing() {}

async function spawnRound(n) {
  const tasks = new Array(n);
  for (let i = 0; i < n; i++) tasks[i] = nothing();
  for (const t of tasks) await t;
}

// Measured rounds of spawn: enough for about 100,000 tasks in all, at most 20.
const spawnRounds = (n) => Math.max(1, Math.min(20, Math.floor(100_000 / n)));

async function spawn(n) {
  await spawnRound(warmSize(n, 100_000));
  const took = [];
  for (let r = 0; r < spawnRounds(n); r++) {
    const t0 = now();
    await spawnRound(n);
    took.push(ns(t0, now()));
  }
  took.sort((a, b) => a - b);
  const median = took[Math.floor(took.length / 2)];
  return { workload: "spawn", n, value: median / n, unit: "ns/task", rounds: took.length, seconds: median / 1e9 };
}

const yieldNow = () => new Promise((resolve) => setImmediate(resolve));

async function yielder(yields) {
  for (let y = 0; y < yields; y++) await yieldNow();
}

async function switchRound(tasks, yields) {
  const ts = [];
  for (let i = 0; i < tasks; i++) ts.push(yielder(yields));
  for (const t of ts) await t;
}

async function taskSwitch(tasks, yields) {
  await switchRound(Math.min(tasks, 100), Math.min(yields, 1_000));
  const t0 = now();
  await switchRound(tasks, yields);
  const took = ns(t0, now());
  const n = tasks * yields;
  return { workload: "switch", n, tasks, yields, value: took / n, unit: "ns/switch", seconds: took / 1e9 };
}

/** An unbounded FIFO whose get() waits, as asyncio.Queue. */
class Queue {
  constructor() {
    this.items = [];
    this.head = 0;
    this.getters = [];
  }
  put(v) {
    const g = this.getters.shift();
    if (g) g(v);
    else this.items.push(v);
  }
  get() {
    if (this.head < this.items.length) {
      const v = this.items[this.head++];
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve(v);
    }
    return new Promise((resolve) => this.getters.push(resolve));
  }
}

async function pingPongRound(n) {
  const requests = new Queue();
  const replies = new Queue();
  const pong = (async () => {
    for (;;) {
      const v = await requests.get();
      if (v < 0) return;
      replies.put(v + 1);
    }
  })();
  let v = 0;
  for (let i = 0; i < n; i++) {
    requests.put(v);
    v = await replies.get();
  }
  requests.put(-1);
  await pong;
  if (v !== n) throw new Error(`ping-pong lost a message: ${v} != ${n}`);
}

async function pingPong(n) {
  await pingPongRound(warmSize(n, 100_000));
  const t0 = now();
  await pingPongRound(n);
  const took = ns(t0, now());
  return { workload: "pingpong", n, via: "queue", value: took / n, unit: "ns/round trip", seconds: took / 1e9 };
}

function rng(seed) {
  // mulberry32: a small seeded generator, so every run sleeps the same delays
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function sleeper(delayNs, late, k) {
  const start = now();
  await new Promise((resolve) => setTimeout(resolve, delayNs / 1e6));
  late[k] = ns(start, now()) - delayNs;
}

async function timersRound(n, maxMs, late) {
  const random = rng(1);
  const delays = new Array(n);
  let longest = 0;
  for (let i = 0; i < n; i++) {
    delays[i] = Math.floor(random() * maxMs * 1e6);
    longest = Math.max(longest, delays[i]);
  }
  const t0 = now();
  const ts = new Array(n);
  for (let k = 0; k < n; k++) ts[k] = sleeper(delays[k], late, k);
  for (const t of ts) await t;
  return [ns(t0, now()), longest];
}

const percentile = (s, p) => (s.length ? s[Math.min(s.length - 1, Math.round((p / 100) * (s.length - 1)))] : 0);

async function timers(n, maxMs) {
  const w = warmSize(n, 10_000);
  for (let i = 0; i < 2; i++) await timersRound(w, 10, new Array(w).fill(0));
  const late = new Array(n).fill(0);
  const [took, longest] = await timersRound(n, maxMs, late);
  late.sort((a, b) => a - b);
  return {
    workload: "timers", n, value: (took - longest) / 1e6, unit: "ms over ideal", seconds: took / 1e9,
    ideal_ms: longest / 1e6, late_p50_ms: percentile(late, 50) / 1e6, late_p99_ms: percentile(late, 99) / 1e6,
    late_max_ms: late[late.length - 1] / 1e6,
  };
}

async function idleRound(n, measure) {
  let rss0 = 0;
  if (measure) {
    collect();
    rss0 = rssBytes();
  }
  let set;
  const event = new Promise((resolve) => (set = resolve));
  const waiter = async () => {
    await event;
  };
  const ts = new Array(n);
  for (let i = 0; i < n; i++) ts[i] = waiter();
  await yieldNow();
  let result = null;
  if (measure) {
    collect();
    const rss1 = rssBytes();
    result = { workload: "idle", n, value: (rss1 - rss0) / n, unit: "bytes/task", rss_mb: rss1 / 1048576 };
  }
  set();
  for (const t of ts) await t;
  return result;
}

async function idle(n) {
  await idleRound(1_000, false);
  return idleRound(n, true);
}

const [workload, ...rest] = process.argv.slice(2);
const defaults = { spawn: [1_000_000], switch: [1_000, 1_000], pingpong: [1_000_000], timers: [100_000, 100], idle: [100_000] };
if (!(workload in defaults)) {
  console.error("usage: node node_workloads.mjs spawn N | switch TASKS YIELDS | pingpong N | timers N MAX_MS | idle N");
  process.exit(2);
}
const nums = rest.map((a) => Number(a.replaceAll("_", "")));
const args = [...nums, ...defaults[workload].slice(nums.length)];
const body = { spawn, switch: taskSwitch, pingpong: pingPong, timers, idle }[workload];
const result = await body(...args);
console.log(JSON.stringify({ impl: `node ${process.versions.node}`, ...result }));
