import type { UploadEvent } from '../protocol.js';
import type { FetchFunction } from '../apiTransport.js';
import type { MediaPipelineClient } from '../createClient.js';
import { AbortError, ApiError, DownloadFailedError, NetworkError, UploadFailedError, UploadNotReadyError, WatchError } from '../errors.js';
import { isFinalStatus } from '../isFinalStatus.js';
import { createClient } from '../node/createClient.js';
import { downloadToFile } from '../node/downloadToFile.js';
import { type FileSource, openFileSource } from '../node/fileSource.js';
import type { RetryDelay } from '../retry.js';
import type { PublicUpload, UploadStatus } from '../types.js';
import type { TransferOptions } from '../uploadOptions.js';
import type { WebSocketConstructor } from '../WebSocketLike.js';
import { CLI_ERROR_CODES, causeOf, errorDocument } from './errorDocument.js';
import { formatBytes, formatDuration } from './formatProgress.js';
import { formatUploadEvent, formatUploadState } from './formatUploadEvent.js';
import { localFilename } from './localFilename.js';
import { type CliCommand, parseCliArgs, UsageError } from './parseCliArgs.js';
import { ProgressReporter, type ProgressStream } from './ProgressReporter.js';
import { USAGE } from './usage.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** The upload ended `failed`, `cancelled` or `expired`: it will never be ready. */
export const EXIT_NOT_READY = 3;
export const EXIT_INTERRUPTED = 130;

/**
 * `watch` gives up after this many failed connection attempts in a row: with the client's
 * backoff (½ s doubling to 30 s) that is about a minute and a half without a connection.
 */
export const WATCH_CONNECT_ATTEMPTS = 8;

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborts on Ctrl-C: requests in flight stop and the command exits 130. */
  readonly interrupt: AbortSignal;
  readonly fetch?: FetchFunction;
  readonly retryDelay?: RetryDelay;
  readonly now?: () => number;
  /** @default the `ws` package; null: no live progress (following polls) */
  readonly webSocket?: WebSocketConstructor | null;
  readonly reconnectDelay?: RetryDelay;
  readonly pollDelay?: RetryDelay;
}

type Target<K extends CliCommand['kind']> = Extract<CliCommand, { kind: K }>;

/** Runs one command line and returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: CliCommand;
  let client: MediaPipelineClient;
  try {
    command = parseCliArgs(argv, io.env);
    if (command.kind === 'help') {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    client = createClient({
      apiUrl: command.api,
      token: command.token,
      ...(command.webSocketUrl === undefined ? {} : { webSocketUrl: command.webSocketUrl }),
      ...(io.fetch ? { fetch: io.fetch } : {}),
      ...(io.retryDelay ? { retryDelay: io.retryDelay } : {}),
      ...(io.webSocket === undefined ? {} : { webSocket: io.webSocket }),
      ...(io.reconnectDelay ? { reconnectDelay: io.reconnectDelay } : {}),
      ...(io.pollDelay ? { pollDelay: io.pollDelay } : {}),
    });
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    io.stderr.write(`media-pipeline: ${error.message}\nRun "media-pipeline help" for usage.\n`);
    return EXIT_USAGE;
  }

  if (command.kind === 'upload') {
    return upload(client, command, io, (record) => {
      if (command.wait) return follow(client, record, command.json, io);
      printJson(io, record);
      return EXIT_OK;
    });
  }
  if (command.kind === 'watch') return watch(client, command, io);
  if (command.kind === 'download') return download(client, command, io);
  try {
    const signal = io.interrupt;
    switch (command.kind) {
      case 'status':
        printJson(io, await client.getUpload(command.uploadId, { signal }));
        break;
      case 'rm': {
        const record = await client.deleteUpload(command.uploadId, { signal });
        io.stderr.write(`Deleted upload ${command.uploadId}\n`);
        if (record !== undefined) printJson(io, record);
        break;
      }
      case 'ls':
        await list(client, command, io);
        break;
    }
    return EXIT_OK;
  } catch (error) {
    const json = command.kind !== 'rm' && command.json;
    if (io.interrupt.aborted) {
      reportInterrupt(io, json, 'Interrupted.\n');
      return EXIT_INTERRUPTED;
    }
    reportFailure(io, json, error);
    return EXIT_FAILED;
  }
}

/**
 * Sends the file, then hands the completed record to `then` before closing the file: following
 * starts in the same turn, so it keeps the connection the upload reported its bytes on.
 */
async function upload(
  client: MediaPipelineClient,
  command: Target<'upload'>,
  io: CliIo,
  then: (record: PublicUpload) => number | Promise<number>,
): Promise<number> {
  const { json } = command;
  let source: FileSource;
  try {
    source = await openFileSource(command.file, command.contentType === undefined ? {} : { type: command.contentType });
  } catch (error) {
    const message = `cannot read ${command.file}: ${(error as Error).message}`;
    io.stderr.write(json ? jsonLine({ error: { code: CLI_ERROR_CODES.sourceUnreadable, message } }) : `media-pipeline: ${message}\n`);
    return EXIT_FAILED;
  }
  // With --json, stderr carries nothing but an error document.
  const reporter = json ? undefined : new ProgressReporter(io.stderr, io.now ? { now: io.now } : {});
  const note = (text: string) => {
    if (!json) io.stderr.write(text);
  };
  let uploadId = command.resume;
  const options: TransferOptions = {
    signal: io.interrupt,
    ...(reporter ? { onProgress: (progress) => reporter.update(progress) } : {}),
    ...(command.concurrency === undefined ? {} : { concurrency: command.concurrency }),
  };
  let record: PublicUpload;
  try {
    if (command.resume !== undefined) {
      note(`Resuming upload ${command.resume}\n`);
      record = await client.resume(command.resume, source, options);
    } else {
      record = await client.upload(source, {
        ...options,
        ...(command.contentType === undefined ? {} : { contentType: command.contentType }),
        onCreated: (created) => {
          uploadId = created.uploadId;
          const parts = `${created.partCount} part${created.partCount === 1 ? '' : 's'} of ${formatBytes(created.partSize)}`;
          note(`Upload ${created.uploadId}: ${formatBytes(source.size)} in ${parts}\n`);
        },
      });
    }
    reporter?.finish();
  } catch (error) {
    await source.close();
    reporter?.interrupt();
    const resumeHint = `media-pipeline upload ${shellQuote(command.file)} --resume ${uploadId}`;
    if (io.interrupt.aborted || error instanceof AbortError) {
      reportInterrupt(
        io,
        json,
        uploadId === undefined ? 'Interrupted before the upload was created.\n' : `Interrupted. Resume with:\n  ${resumeHint}\n`,
        uploadId,
      );
      return EXIT_INTERRUPTED;
    }
    const hints =
      (isQuotaExceeded(error) ? QUOTA_HINT : '') + (uploadId !== undefined && isResumable(error) ? `Resume with:\n  ${resumeHint}\n` : '');
    reportFailure(io, json, error, { uploadId, hints });
    return EXIT_FAILED;
  }
  const closed = source.close();
  try {
    return await then(record);
  } finally {
    await closed;
  }
}

/** Shows processing until a final state: the record on stdout and 0 only when it is ready. */
async function follow(client: MediaPipelineClient, uploaded: PublicUpload, json: boolean, io: CliIo): Promise<number> {
  const { uploadId } = uploaded;
  let shown: string | undefined;
  try {
    const record = await client.waitUntilReady(uploadId, {
      signal: io.interrupt,
      onUpdate: (state) => {
        const line = formatUploadState(state);
        if (json || isFinalStatus(state.status) || line === shown) return;
        shown = line;
        io.stderr.write(`${line}\n`);
      },
    });
    if (!json) io.stderr.write('Ready.\n');
    printJson(io, record);
    return EXIT_OK;
  } catch (error) {
    if (io.interrupt.aborted) {
      reportInterrupt(io, json, `Stopped following; upload ${uploadId} goes on. Follow it again with:\n  media-pipeline watch ${uploadId}\n`, uploadId);
      return EXIT_INTERRUPTED;
    }
    reportFailure(io, json, error, { uploadId });
    return error instanceof UploadNotReadyError ? EXIT_NOT_READY : EXIT_FAILED;
  }
}

/** One line per event until Ctrl-C, or until the final state of the one upload watched. */
async function watch(client: MediaPipelineClient, command: Target<'watch'>, io: CliIo): Promise<number> {
  const note = (text: string) => {
    if (!command.json) io.stderr.write(text);
  };
  note(command.uploadId === undefined ? 'Watching all your uploads (Ctrl-C stops)\n' : `Watching upload ${command.uploadId} (Ctrl-C stops)\n`);
  let last: UploadEvent | undefined;
  try {
    const events = client.watch(command.uploadId, {
      signal: io.interrupt,
      connectAttempts: WATCH_CONNECT_ATTEMPTS,
      onDisconnect: (down) => {
        const what = down.closeCode === undefined ? 'No connection' : `Connection closed (code ${down.closeCode})`;
        note(`${what}; trying again in ${formatDuration(down.retryInMs / 1000)}, attempt ${down.attempt} of ${WATCH_CONNECT_ATTEMPTS}\n`);
      },
    });
    for await (const event of events) {
      io.stdout.write(command.json ? jsonLine(event) : `${formatUploadEvent(event)}\n`);
      last = event;
    }
  } catch (error) {
    reportFailure(io, command.json, error, { uploadId: command.uploadId });
    return EXIT_FAILED;
  }
  if (io.interrupt.aborted) return EXIT_INTERRUPTED;
  return last?.status === 'ready' ? EXIT_OK : EXIT_NOT_READY;
}

/**
 * Saves the original to PATH (or, without one, under its filename here) with a progress bar.
 * A PATH that holds the first part of it is resumed with a ranged GET; an interrupted or broken
 * download says how to resume it. The path written goes to stdout.
 */
async function download(client: MediaPipelineClient, command: Target<'download'>, io: CliIo): Promise<number> {
  const signal = io.interrupt;
  const reporter = new ProgressReporter(io.stderr, { ...(io.now ? { now: io.now } : {}), doneLabel: 'Downloaded' });
  let path = command.path;
  let started = false;
  try {
    path ??= localFilename((await client.getUpload(command.uploadId, { signal })).filename, command.uploadId);
    const link = await client.downloadUrl(command.uploadId, { signal });
    const target = path;
    await downloadToFile(link.url, target, {
      signal,
      ...(io.fetch ? { fetch: io.fetch } : {}),
      onProgress: (progress) => {
        if (!started) {
          started = true;
          const size = formatBytes(progress.totalBytes);
          io.stderr.write(
            progress.loadedBytes > 0
              ? `Resuming ${target} at ${formatBytes(progress.loadedBytes)} of ${size}\n`
              : `Downloading upload ${command.uploadId} to ${target} (${size})\n`,
          );
        }
        reporter.update(progress);
      },
    });
    reporter.finish();
    io.stdout.write(`${target}\n`);
    return EXIT_OK;
  } catch (error) {
    reporter.interrupt();
    const resumeHint = path === undefined ? '' : `Resume with:\n  media-pipeline download ${command.uploadId} ${shellQuote(path)}\n`;
    if (signal.aborted || error instanceof AbortError) {
      io.stderr.write(started ? `Interrupted. ${resumeHint}` : 'Interrupted.\n');
      return EXIT_INTERRUPTED;
    }
    io.stderr.write(`media-pipeline: ${describe(error)}\n`);
    const resumable = error instanceof NetworkError || (error instanceof DownloadFailedError && error.code === 'INCOMPLETE');
    if (started && resumable) io.stderr.write(resumeHint);
    return EXIT_FAILED;
  }
}

async function list(client: MediaPipelineClient, command: Target<'ls'>, io: CliIo): Promise<void> {
  const page = await client.listUploads(
    {
      ...(command.status === undefined ? {} : { status: command.status as UploadStatus }),
      ...(command.limit === undefined ? {} : { limit: command.limit }),
      ...(command.cursor === undefined ? {} : { cursor: command.cursor }),
    },
    { signal: io.interrupt },
  );
  if (command.json) {
    printJson(io, page);
    return;
  }
  if (page.items.length === 0) io.stderr.write('No uploads.\n');
  else io.stdout.write(table(page.items));
  if (page.cursor !== undefined) io.stderr.write(`More: media-pipeline ls --cursor ${page.cursor}\n`);
}

function table(items: readonly PublicUpload[]): string {
  const rows = [
    ['UPLOAD ID', 'STATUS', 'SIZE', 'CREATED', 'FILENAME'],
    ...items.map((item) => [item.uploadId, item.status, formatBytes(item.size), item.createdAt, item.filename]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n') + '\n';
}

function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/**
 * A failure on stderr: for a person `media-pipeline: <code and message>` and then `hints`; with
 * --json one error document (`{"error":{"code",…}}`, on one line) and nothing else.
 */
function reportFailure(io: CliIo, json: boolean, error: unknown, details: { uploadId?: string | undefined; hints?: string } = {}): void {
  io.stderr.write(json ? jsonLine(errorDocument(error, { uploadId: details.uploadId })) : `media-pipeline: ${describe(error)}\n${details.hints ?? ''}`);
}

/** Ctrl-C stopped the command: `text` says what now (how to resume or follow again); with --json it is the document's message. */
function reportInterrupt(io: CliIo, json: boolean, text: string, uploadId?: string): void {
  if (!json) {
    io.stderr.write(text);
    return;
  }
  const message = text.trim().replace(/\s*\n\s*/g, ' ');
  io.stderr.write(jsonLine({ error: { code: CLI_ERROR_CODES.interrupted, message, ...(uploadId === undefined ? {} : { uploadId }) } }));
}

/** One line for the user: the API's code and message, or what failed on the way. */
function describe(error: unknown): string {
  if (error instanceof ApiError) return `${error.code} (${error.status}): ${error.message}`;
  if (error instanceof UploadFailedError) return `${error.code}: ${error.message}${causeOf(error)}`;
  if (error instanceof UploadNotReadyError) return `${error.code}: ${error.message}`;
  if (error instanceof WatchError) return `${error.code}: ${error.message}${causeOf(error)}`;
  if (error instanceof DownloadFailedError) return `${error.code}: ${error.message}`;
  if (error instanceof NetworkError) return `NETWORK_ERROR: ${error.message}${causeOf(error)}`;
  return error instanceof Error ? error.message : String(error);
}

/** What a user at a per-user limit can do; the API's message names the limit and their figure. */
const QUOTA_HINT = 'See your uploads with "media-pipeline ls"; cancel or delete one with "media-pipeline rm <uploadId>".\n';

function isQuotaExceeded(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'QUOTA_EXCEEDED';
}

/** Failures that another run can get past; a rejected source or a finished upload cannot. */
function isResumable(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof UploadFailedError) return error.code !== 'SIZE_MISMATCH' && error.code !== 'INVALID_STATE';
  return error instanceof ApiError && (error.status >= 500 || error.status === 429);
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
