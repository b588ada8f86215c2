import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface RunProcessOptions {
  /** Called with each line written to stdout (ffmpeg's `-progress pipe:1` key=value lines). */
  readonly onStdoutLine?: (line: string) => void;
  /** Keep all of stdout in the result (ffprobe's JSON). */
  readonly captureStdout?: boolean;
  /** Receives what the process writes to file descriptor 3 (an ffmpeg `pipe:3` output). */
  readonly onFd3Data?: (chunk: Buffer) => void;
  /** Files written one after another to the process's stdin (a `pipe:0` input), which is then closed. */
  readonly stdinFiles?: readonly string[];
  /** Kill the process (SIGKILL) after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Kill the process (SIGKILL) when this aborts. */
  readonly signal?: AbortSignal;
  /** How many trailing stderr lines the result keeps for the logs. @default 20 */
  readonly stderrLines?: number;
}

export interface ProcessResult {
  /** The exit code, or null when a signal ended the process. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** The last lines of stderr: what went wrong, for the logs (never for users). */
  readonly stderrTail: readonly string[];
  readonly timedOut: boolean;
  readonly aborted: boolean;
}

const MAX_STDERR_LINE = 500;

/**
 * Runs a binary without a shell and resolves when it has exited and its output is drained,
 * whatever the exit status: callers decide what a failure means. Rejects only when the
 * binary cannot be started at all (e.g. ENOENT for a missing layer).
 */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
  const keepLines = options.stderrLines ?? 20;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: null, stdout: '', stderrTail: [], timedOut: false, aborted: true });
      return;
    }
    const child = spawn(command, args, {
      stdio: [options.stdinFiles ? 'pipe' : 'ignore', 'pipe', 'pipe', options.onFd3Data ? 'pipe' : 'ignore'],
    });
    if (options.stdinFiles) void feedStdin(child.stdin as Writable, options.stdinFiles);
    let stdout = '';
    const stderrTail: string[] = [];
    let timedOut = false;
    let aborted = false;

    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            kill();
          }, Math.max(0, options.timeoutMs));
    const onAbort = () => {
      aborted = true;
      kill();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const stdoutStream = child.stdout as Readable;
    const drained: Promise<void>[] = [];
    if (options.onStdoutLine) {
      const onLine = options.onStdoutLine;
      const lines = createInterface({ input: stdoutStream, crlfDelay: Infinity });
      lines.on('line', (line) => {
        if (options.captureStdout) stdout += `${line}\n`;
        onLine(line);
      });
      drained.push(new Promise((done) => lines.once('close', () => done())));
    } else {
      stdoutStream.setEncoding('utf8');
      stdoutStream.on('data', (chunk: string) => {
        if (options.captureStdout) stdout += chunk;
      });
      drained.push(new Promise((done) => stdoutStream.once('close', () => done())));
    }

    const stderrLines = createInterface({ input: child.stderr as Readable, crlfDelay: Infinity });
    stderrLines.on('line', (line) => {
      if (line.trim() === '') return;
      stderrTail.push(line.length > MAX_STDERR_LINE ? `${line.slice(0, MAX_STDERR_LINE)}…` : line);
      if (stderrTail.length > keepLines) stderrTail.shift();
    });
    drained.push(new Promise((done) => stderrLines.once('close', () => done())));

    const fd3 = child.stdio[3] as Readable | null | undefined;
    if (options.onFd3Data && fd3) {
      fd3.on('data', options.onFd3Data);
      drained.push(new Promise((done) => fd3.once('close', () => done())));
    }

    child.once('error', (error) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('exit', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      void Promise.all(drained).then(() => resolve({ exitCode, signal, stdout, stderrTail, timedOut, aborted }));
    });
  });
}

/**
 * Writes the files to stdin in order and closes it. A process that stops reading early (it had
 * enough, or it died) breaks the pipe; its exit status tells what happened, not this.
 */
async function feedStdin(stdin: Writable, files: readonly string[]): Promise<void> {
  stdin.on('error', () => undefined);
  try {
    for (const file of files) await pipeline(createReadStream(file), stdin, { end: false });
    stdin.end();
  } catch {
    stdin.destroy();
  }
}
