import type { FetchFunction } from '../apiTransport.js';
import { createClient, type MediaPipelineClient } from '../createClient.js';
import { AbortError, ApiError, NetworkError, UploadFailedError } from '../errors.js';
import { type FileSource, openFileSource } from '../node/fileSource.js';
import type { RetryDelay } from '../retry.js';
import type { PublicUpload, UploadStatus } from '../types.js';
import type { TransferOptions } from '../uploadOptions.js';
import { formatBytes } from './formatProgress.js';
import { type CliCommand, parseCliArgs, UsageError } from './parseCliArgs.js';
import { ProgressReporter, type ProgressStream } from './ProgressReporter.js';
import { USAGE } from './usage.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborts on Ctrl-C: requests in flight stop and the command exits 130. */
  readonly interrupt: AbortSignal;
  readonly fetch?: FetchFunction;
  readonly retryDelay?: RetryDelay;
  readonly now?: () => number;
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
      ...(io.fetch ? { fetch: io.fetch } : {}),
      ...(io.retryDelay ? { retryDelay: io.retryDelay } : {}),
    });
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    io.stderr.write(`media-pipeline: ${error.message}\nRun "media-pipeline help" for usage.\n`);
    return EXIT_USAGE;
  }

  if (command.kind === 'upload') return upload(client, command, io);
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
    if (io.interrupt.aborted) {
      io.stderr.write('Interrupted.\n');
      return EXIT_INTERRUPTED;
    }
    io.stderr.write(`media-pipeline: ${describe(error)}\n`);
    return EXIT_FAILED;
  }
}

async function upload(client: MediaPipelineClient, command: Target<'upload'>, io: CliIo): Promise<number> {
  let source: FileSource;
  try {
    source = await openFileSource(command.file, command.contentType === undefined ? {} : { type: command.contentType });
  } catch (error) {
    io.stderr.write(`media-pipeline: cannot read ${command.file}: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
  const reporter = new ProgressReporter(io.stderr, io.now ? { now: io.now } : {});
  let uploadId = command.resume;
  const options: TransferOptions = {
    signal: io.interrupt,
    onProgress: (progress) => reporter.update(progress),
    ...(command.concurrency === undefined ? {} : { concurrency: command.concurrency }),
  };
  try {
    let record: PublicUpload;
    if (command.resume !== undefined) {
      io.stderr.write(`Resuming upload ${command.resume}\n`);
      record = await client.resume(command.resume, source, options);
    } else {
      record = await client.upload(source, {
        ...options,
        ...(command.contentType === undefined ? {} : { contentType: command.contentType }),
        onCreated: (created) => {
          uploadId = created.uploadId;
          const parts = `${created.partCount} part${created.partCount === 1 ? '' : 's'} of ${formatBytes(created.partSize)}`;
          io.stderr.write(`Upload ${created.uploadId}: ${formatBytes(source.size)} in ${parts}\n`);
        },
      });
    }
    reporter.finish();
    printJson(io, record);
    return EXIT_OK;
  } catch (error) {
    reporter.interrupt();
    const resumeHint = `media-pipeline upload ${shellQuote(command.file)} --resume ${uploadId}`;
    if (io.interrupt.aborted || error instanceof AbortError) {
      io.stderr.write(uploadId === undefined ? 'Interrupted before the upload was created.\n' : `Interrupted. Resume with:\n  ${resumeHint}\n`);
      return EXIT_INTERRUPTED;
    }
    io.stderr.write(`media-pipeline: ${describe(error)}\n`);
    if (isQuotaExceeded(error)) io.stderr.write(QUOTA_HINT);
    if (uploadId !== undefined && isResumable(error)) io.stderr.write(`Resume with:\n  ${resumeHint}\n`);
    return EXIT_FAILED;
  } finally {
    await source.close();
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

/** One line for the user: the API's code and message, or what failed on the way. */
function describe(error: unknown): string {
  if (error instanceof ApiError) return `${error.code} (${error.status}): ${error.message}`;
  if (error instanceof UploadFailedError) return `${error.code}: ${error.message}${causeOf(error)}`;
  if (error instanceof NetworkError) return `NETWORK_ERROR: ${error.message}${causeOf(error)}`;
  return error instanceof Error ? error.message : String(error);
}

function causeOf(error: Error): string {
  const cause = error.cause as { message?: unknown; cause?: { message?: unknown } } | undefined;
  // fetch wraps the socket error: "fetch failed" ← "connect ECONNREFUSED 127.0.0.1:1".
  const message = cause?.cause?.message ?? cause?.message;
  return typeof message === 'string' ? ` (${message})` : '';
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
