import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
const MAX_LINES = 50_000;

export interface TsxChild {
  readonly name: string;
  readonly pid: number;
  readonly stdout: string[];
  readonly stderr: string[];
  /** The exit code, or null when a signal ended it. */
  readonly exited: Promise<number | null>;
  isRunning(): boolean;
  /** CPU seconds used so far by the process and its descendants (Linux /proc), or null elsewhere. */
  cpuSeconds(): number | null;
  /** Ends the process and whatever it started; calling it again does nothing. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function collectLines(stream: NodeJS.ReadableStream | null, into: string[]): void {
  let partial = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) if (into.length < MAX_LINES) into.push(line);
  });
  stream?.on('end', () => {
    if (partial && into.length < MAX_LINES) into.push(partial);
  });
}

/**
 * Runs `tsx <script>` from the repository root in its own process group, so that stop() can
 * reach tsx's inner node process too. stdin receives `input` and is then closed.
 */
export function spawnTsx(name: string, script: string, env: NodeJS.ProcessEnv, input?: string): TsxChild {
  return spawnProgram(name, TSX, [script], env, input);
}

/**
 * Runs a JavaScript file (compiled, in dist/, or plain .cjs in bench/support) under plain node,
 * the way production runs it: no TypeScript compiler in the process's memory or CPU time.
 */
export function spawnNode(name: string, script: string, env: NodeJS.ProcessEnv, input?: string): TsxChild {
  // BENCH_CPU_PROF_DIR=dir writes a .cpuprofile per compiled child there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  return spawnProgram(name, process.execPath, [...profile, script], env, input);
}

function spawnProgram(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): TsxChild {
  const script = args.join(' ');
  const child: ChildProcess = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${script}`);
  const pid = child.pid;
  const stdout: string[] = [];
  const stderr: string[] = [];
  collectLines(child.stdout, stdout);
  collectLines(child.stderr, stderr);
  child.stdin?.end(input ?? '');

  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => { running = false; resolve(null); });
    child.once('close', (code) => { running = false; resolve(code); });
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!running) return;
      // tsx relays SIGTERM to the script, which then shuts down gracefully.
      signal(pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), 5000); }),
      ]);
      // A timer left running would hold a test worker open for its 5 s after every stop.
      clearTimeout(timer);
      signal(-pid, 'SIGKILL');
      if (timedOut) await exited;
    })();
    return stopping;
  };
  return { name, pid, stdout, stderr, exited, isRunning: () => running, cpuSeconds: () => treeCpuSeconds(pid), stop };
}

// Linux reports utime and stime in clock ticks, which are 1/100 s on every common platform.
const CLOCK_TICKS_PER_SECOND = 100;

function treeCpuSeconds(pid: number): number | null {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    let ticks = Number(fields[11]) + Number(fields[12]);
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    for (const child of children ? children.split(/\s+/) : []) ticks += (treeCpuSeconds(Number(child)) ?? 0) * CLOCK_TICKS_PER_SECOND;
    return ticks / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function tail(lines: readonly string[], count = 20): string {
  return lines.slice(-count).join('\n');
}

/** Polls until `url` answers 200; fails early if the child exits first. */
export async function waitForOk(url: string, child: TsxChild, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.isRunning()) {
      throw new Error(`${child.name} exited before ${url} answered:\n${tail(child.stderr)}\n${tail(child.stdout)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error(`${child.name}: ${url} did not answer 200 within ${timeoutMs} ms:\n${tail(child.stderr)}`);
}
