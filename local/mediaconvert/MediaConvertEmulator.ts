import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../localDefaults.js';
import { consoleLog, type LocalLog } from '../localLog.js';
import { type DeliverJobEvent, JobEventDelivery } from './JobEventDelivery.js';
import {
  type JobPhase,
  type JobProgress,
  type JobStateDetail,
  jobStateChangeEvent,
  type OutputGroupDetail,
  type PhaseProgress,
} from './jobStateChangeEvent.js';
import { type JobWire, parseJobWire } from './jobWireSchema.js';
import { MediaConvertApiError } from './MediaConvertApiError.js';
import { type EmulatedJobOutcome, runEmulatedJob } from './runEmulatedJob.js';

const exec = promisify(execFile);

export interface MediaConvertEmulatorOptions {
  /** The local S3 the jobs read inputs from and write outputs to (endpoint, region, credentials, path style). */
  readonly s3: S3ClientConfig;
  readonly ffmpeg: string;
  readonly ffprobe: string;
  /** Receives every job state change event, as an EventBridge rule's target would. */
  readonly deliver: DeliverJobEvent;
  /** @default consoleLog */
  readonly log?: LocalLog;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 - a free port */
  readonly port?: number;
  /** @default LOCAL_REGION */
  readonly region?: string;
  /** @default LOCAL_ACCOUNT_ID */
  readonly accountId?: string;
  /** The one queue this emulator serves; a job naming another is refused. @default 'media-pipeline' */
  readonly queueName?: string;
  /**
   * How often a running job sends STATUS_UPDATE. AWS sends the first about a minute after the
   * job starts, then every StatusUpdateInterval (15 s in our jobs); locally every second, so
   * progress shows within a short video's run.
   * @default 1000
   */
  readonly statusUpdateIntervalMs?: number;
  /** Waits before each retry of a failed delivery (Lambda retries an async invocation twice). @default [1000, 2000] */
  readonly deliveryRetryDelaysMs?: readonly number[];
  /** Jobs that run at once; the rest wait SUBMITTED in the queue. @default 1 */
  readonly concurrentJobs?: number;
}

/** A forced failure, as MediaConvert reports one. */
export interface ForcedJobError {
  readonly errorCode: number;
  readonly errorMessage: string;
}

export interface MediaConvertEmulator {
  /** `http://127.0.0.1:PORT`: the MediaConvert client's `endpoint`. */
  readonly endpoint: string;
  /** The queue jobs must name (`arn:aws:mediaconvert:<region>:<account>:queues/<name>`). */
  readonly queueArn: string;
  /** The next job created goes PROGRESSING, then ERROR with this code and message (ffmpeg is not run). */
  failNextJob(error: ForcedJobError): void;
  /** Jobs that start from now on stay PROGRESSING (before ffmpeg runs) until released: for cancel races. */
  holdJobs(): void;
  /** Lets held jobs, and those that start later, run. */
  releaseJobs(): void;
  /** The process id of the ffmpeg running for a job, or undefined. */
  ffmpegPid(jobId: string): number | undefined;
  /** Resolves when every job has ended and every event has been delivered (or given up); a held job keeps it waiting. */
  idle(): Promise<void>;
  /** Stops the server and kills running jobs (no events for them). */
  close(): Promise<void>;
}

type JobStatus = 'SUBMITTED' | 'PROGRESSING' | 'COMPLETE' | 'CANCELED' | 'ERROR';

interface EmulatedJob {
  readonly id: string;
  readonly arn: string;
  readonly wire: JobWire;
  readonly submittedAt: Date;
  readonly abort: AbortController;
  readonly forcedError: ForcedJobError | undefined;
  status: JobStatus;
  startedAt?: Date;
  finishedAt?: Date;
  phase?: JobPhase;
  phasePercent: Record<JobPhase, number>;
  framesDecoded: number;
  pid?: number;
  outcome?: Exclude<EmulatedJobOutcome, { status: 'CANCELED' }>;
  run?: Promise<void>;
}

const API = '/2017-08-29/jobs';
const MAX_BODY_BYTES = 1024 * 1024;
/** "If you reuse a client request token within one minute of a successful request, the API returns the job details of the original request" (SDK doc). */
const TOKEN_WINDOW_MS = 60_000;
/** How jobPercentComplete spreads over the phases (AWS does not document its weights). */
const PHASE_WEIGHTS: Readonly<Record<JobPhase, number>> = { PROBING: 5, TRANSCODING: 85, UPLOADING: 10 };
const PHASES: readonly JobPhase[] = ['PROBING', 'TRANSCODING', 'UPLOADING'];

/**
 * Starts local mode's MediaConvert: an HTTP server on loopback that the real
 * `@aws-sdk/client-mediaconvert` talks to (endpoint override) for CreateJob, GetJob and
 * CancelJob. Each job is checked against the strict wire schema of what our builder emits
 * (anything else: 400 naming the field), run with ffmpeg from the job's own settings, its
 * outputs written to local S3 under MediaConvert's names, and its state changes delivered as
 * EventBridge `MediaConvert Job State Change` events.
 */
export async function startMediaConvertEmulator(options: MediaConvertEmulatorOptions): Promise<MediaConvertEmulator> {
  const log = options.log ?? consoleLog;
  const region = options.region ?? LOCAL_REGION;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const queueArn = `arn:aws:mediaconvert:${region}:${accountId}:queues/${options.queueName ?? 'media-pipeline'}`;
  const statusUpdateIntervalMs = options.statusUpdateIntervalMs ?? 1000;
  const concurrentJobs = options.concurrentJobs ?? 1;
  const version = await ffmpegVersion(options.ffmpeg);
  const s3 = new S3Client(options.s3);
  const delivery = new JobEventDelivery(options.deliver, log, options.deliveryRetryDelaysMs ?? [1000, 2000]);

  const jobs = new Map<string, EmulatedJob>();
  const tokens = new Map<string, { jobId: string; at: number }>();
  const waiting: EmulatedJob[] = [];
  let running = 0;
  let nextError: ForcedJobError | undefined;
  let held = false;
  const releaseWaiters = new Set<() => void>();
  let closed = false;

  const emit = (job: EmulatedJob, state: JobStateDetail) => {
    delivery.send(jobStateChangeEvent({ id: job.id, arn: job.arn, queue: job.wire.queue, userMetadata: job.wire.userMetadata }, { region, accountId }, state));
  };

  const finish = (job: EmulatedJob, outcome: EmulatedJobOutcome) => {
    if (job.status !== 'PROGRESSING' && job.status !== 'SUBMITTED') return;
    job.finishedAt = new Date();
    job.status = outcome.status;
    if (outcome.status === 'CANCELED') {
      emit(job, { status: 'CANCELED' });
      return;
    }
    job.outcome = outcome;
    emit(job, outcome.status === 'COMPLETE' ? { status: 'COMPLETE', outputGroupDetails: outcome.outputGroupDetails } : outcome);
  };

  const heldUntilReleased = (job: EmulatedJob) =>
    new Promise<void>((resolve) => {
      if (!held || job.abort.signal.aborted) return resolve();
      const done = () => {
        releaseWaiters.delete(done);
        job.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      releaseWaiters.add(done);
      job.abort.signal.addEventListener('abort', done, { once: true });
    });

  const start = (job: EmulatedJob) => {
    running += 1;
    job.status = 'PROGRESSING';
    job.startedAt = new Date();
    job.phase = 'PROBING';
    emit(job, { status: 'PROGRESSING' });
    const timer = setInterval(() => {
      if (job.status === 'PROGRESSING') emit(job, { status: 'STATUS_UPDATE', framesDecoded: job.framesDecoded, jobProgress: progressOf(job) });
    }, statusUpdateIntervalMs);
    job.run = (async () => {
      if (job.forcedError) return finish(job, { status: 'ERROR', ...job.forcedError });
      await heldUntilReleased(job);
      if (job.abort.signal.aborted) return;
      const outcome = await runEmulatedJob({
        job: job.wire,
        s3,
        ffmpeg: options.ffmpeg,
        ffprobe: options.ffprobe,
        signal: job.abort.signal,
        onProgress: (phase, percent, framesDecoded) => {
          job.phase = phase;
          job.phasePercent[phase] = percent;
          if (framesDecoded !== undefined) job.framesDecoded = framesDecoded;
        },
        onFfmpeg: (pid) => {
          job.pid = pid;
        },
      });
      if (!closed) finish(job, outcome);
    })()
      .catch((error: unknown) => log.error(`MediaConvert job ${job.id} failed in the emulator`, error))
      .finally(() => {
        clearInterval(timer);
        running -= 1;
        startWaiting();
      });
  };

  const startWaiting = () => {
    while (!closed && running < concurrentJobs && waiting.length > 0) start(waiting.shift() as EmulatedJob);
  };

  const createJob = (body: unknown): EmulatedJob => {
    const parsed = parseJobWire(body);
    if (!parsed.ok) throw new MediaConvertApiError('BadRequestException', parsed.message);
    const wire = parsed.job;
    if (wire.queue !== queueArn) throw new MediaConvertApiError('NotFoundException', `queue: ${wire.queue} does not exist (this emulator serves ${queueArn})`);
    const now = Date.now();
    for (const [token, use] of tokens) if (now - use.at > TOKEN_WINDOW_MS) tokens.delete(token);
    const reused = wire.clientRequestToken === undefined ? undefined : tokens.get(wire.clientRequestToken);
    const original = reused && jobs.get(reused.jobId);
    if (original) return original;

    const id = `${now}-${randomBytes(4).readUInt32BE().toString(36).padStart(6, '0').slice(-6)}`;
    const job: EmulatedJob = {
      id,
      arn: `arn:aws:mediaconvert:${region}:${accountId}:jobs/${id}`,
      wire,
      submittedAt: new Date(now),
      abort: new AbortController(),
      forcedError: nextError,
      status: 'SUBMITTED',
      phasePercent: { PROBING: 0, TRANSCODING: 0, UPLOADING: 0 },
      framesDecoded: 0,
    };
    nextError = undefined;
    jobs.set(id, job);
    if (wire.clientRequestToken !== undefined) tokens.set(wire.clientRequestToken, { jobId: id, at: now });
    waiting.push(job);
    // After the response: MediaConvert never sends an event for SUBMITTED, and the caller
    // must have the id before PROGRESSING can reach it.
    setImmediate(startWaiting);
    return job;
  };

  const cancelJob = (job: EmulatedJob) => {
    if (job.status !== 'SUBMITTED' && job.status !== 'PROGRESSING') {
      // AWS does not document CancelJob on an ended job; 409 says "the job's state forbids it",
      // which a caller tells apart from a malformed request (400), and CancelJob declares it.
      throw new MediaConvertApiError('ConflictException', `job ${job.id} is ${job.status} and can no longer be canceled`);
    }
    const index = waiting.indexOf(job);
    if (index >= 0) waiting.splice(index, 1);
    finish(job, { status: 'CANCELED' });
    job.abort.abort();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?', 1)[0] as string;
    if (path === API && request.method === 'POST') {
      const job = createJob(await readJson(request));
      return send(response, 201, { job: wireJob(job) });
    }
    const match = /^\/2017-08-29\/jobs\/([^/]+)$/.exec(path);
    if (match && (request.method === 'GET' || request.method === 'DELETE')) {
      const id = decodeURIComponent(match[1] as string);
      const job = jobs.get(id);
      if (!job) throw new MediaConvertApiError('NotFoundException', `job ${id} not found`);
      if (request.method === 'GET') return send(response, 200, { job: wireJob(job) });
      cancelJob(job);
      return send(response, 202, {});
    }
    throw new MediaConvertApiError('NotFoundException', `${request.method ?? '?'} ${path} is not a MediaConvert route the emulator serves`);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof MediaConvertApiError) return send(response, error.status, { message: error.message }, error.errorType);
      log.error('MediaConvert emulator request failed', error);
      return send(response, 500, { message: 'internal error' }, 'InternalServerErrorException');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const endpoint = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  log.info(`MediaConvert emulated with ffmpeg (${version}) at ${endpoint}`);

  const idle = async () => {
    for (;;) {
      const runs = [...jobs.values()].flatMap((job) => (job.run ? [job.run] : []));
      await Promise.all(runs);
      await delivery.idle();
      if (waiting.length === 0 && running === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  return {
    endpoint,
    queueArn,
    failNextJob: (error) => {
      nextError = error;
    },
    holdJobs: () => {
      held = true;
    },
    releaseJobs: () => {
      held = false;
      for (const release of [...releaseWaiters]) release();
    },
    ffmpegPid: (jobId) => jobs.get(jobId)?.pid,
    idle,
    close: async () => {
      closed = true;
      waiting.length = 0;
      for (const job of jobs.values()) job.abort.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...jobs.values()].map((job) => job.run));
      await delivery.idle();
      s3.destroy();
    },
  };
}

function progressOf(job: EmulatedJob): JobProgress {
  const current = job.phase ?? 'PROBING';
  const currentIndex = PHASES.indexOf(current);
  const phaseProgress = Object.fromEntries(
    PHASES.map((phase, i): [JobPhase, PhaseProgress] => [
      phase,
      i < currentIndex
        ? { status: 'COMPLETE', percentComplete: 100 }
        : i === currentIndex
          ? { status: 'PROGRESSING', percentComplete: job.phasePercent[phase] }
          : { status: 'PENDING', percentComplete: 0 },
    ]),
  ) as Record<JobPhase, PhaseProgress>;
  const jobPercentComplete = Math.floor(
    PHASES.reduce((total, phase) => total + (PHASE_WEIGHTS[phase] * (phaseProgress[phase]?.percentComplete ?? 0)) / 100, 0),
  );
  return { phaseProgress, jobPercentComplete, currentPhase: current, retryCount: 0 };
}

/** The job as GetJob and CreateJob answer it (wire form; the SDK maps it onto `Job`). */
function wireJob(job: EmulatedJob): Record<string, unknown> {
  const { wire } = job;
  const seconds = (date: Date | undefined) => (date === undefined ? undefined : Math.floor(date.getTime() / 1000));
  const progress = job.status === 'PROGRESSING' ? progressOf(job) : undefined;
  return {
    id: job.id,
    arn: job.arn,
    createdAt: seconds(job.submittedAt),
    queue: wire.queue,
    role: wire.role,
    userMetadata: wire.userMetadata,
    settings: wire.settings,
    statusUpdateInterval: wire.statusUpdateInterval,
    accelerationSettings: wire.accelerationSettings,
    ...(wire.clientRequestToken === undefined ? {} : { clientRequestToken: wire.clientRequestToken }),
    status: job.status,
    ...(progress === undefined ? {} : { jobPercentComplete: progress.jobPercentComplete, currentPhase: progress.currentPhase }),
    ...(job.outcome?.status === 'ERROR' ? { errorCode: job.outcome.errorCode, errorMessage: job.outcome.errorMessage } : {}),
    ...(job.outcome?.status === 'COMPLETE' ? { outputGroupDetails: job.outcome.outputGroupDetails.map(withoutPaths) } : {}),
    timing: { submitTime: seconds(job.submittedAt), startTime: seconds(job.startedAt), finishTime: seconds(job.finishedAt) },
  };
}

/** GetJob's output group details carry no file paths and no group type; only the COMPLETE event has them. */
function withoutPaths(group: OutputGroupDetail): { outputDetails: unknown[] } {
  return { outputDetails: group.outputDetails.map(({ durationInMs, videoDetails }) => ({ durationInMs, videoDetails })) };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new MediaConvertApiError('BadRequestException', `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new MediaConvertApiError('BadRequestException', 'the request body is not JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  response.writeHead(status, { 'content-type': 'application/json', ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }) });
  response.end(JSON.stringify(body));
}

async function ffmpegVersion(ffmpeg: string): Promise<string> {
  const { stdout } = await exec(ffmpeg, ['-version'], { timeout: 10_000 });
  return (stdout.split('\n', 1)[0] ?? '').replace(/^ffmpeg version\s+/, '').replace(/\s+Copyright.*$/, '').trim();
}
