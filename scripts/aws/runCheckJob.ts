import {
  CancelJobCommand,
  CreateJobCommand,
  type CreateJobCommandInput,
  GetJobCommand,
  type Job,
  type MediaConvertClient,
} from '@aws-sdk/client-mediaconvert';

/** A GetJob answer as recorded: the job without its settings (kept once, in `settingsAsEchoed`). */
export type JobSnapshot = { readonly at: string } & Omit<Job, 'Settings'>;

/** What an API call answered: fine, or the error's name, HTTP status and message. */
export type CallAnswer =
  | { readonly ok: true; readonly at: string }
  | { readonly ok: false; readonly at: string; readonly name: string; readonly httpStatusCode: number | undefined; readonly message: string };

export interface CheckJobRun {
  /** The CreateJob body exactly as the SDK put it on the wire (lowerCamelCase), for the emulator's schema. */
  readonly wireBody: unknown;
  readonly create: CallAnswer;
  readonly jobId: string | undefined;
  /** The settings GetJob echoes back: MediaConvert's defaults filled in. */
  readonly settingsAsEchoed: Job['Settings'] | undefined;
  readonly snapshots: readonly JobSnapshot[];
  /** COMPLETE, ERROR, CANCELED, or `TIMED_OUT` when the poll gave up. */
  readonly finalStatus: string;
  readonly errorCode: number | undefined;
  readonly errorMessage: string | undefined;
  /** Only for the cancel probe: CancelJob while PROGRESSING, then again once the job had ended. */
  readonly cancelWhileProgressing?: CallAnswer;
  readonly cancelAfterEnd?: CallAnswer;
}

export interface RunOptions {
  readonly pollIntervalMs: number;
  /** The poll gives up after this long (the job is then cancelled, best effort). */
  readonly timeoutMs: number;
  /** Cancel the job as soon as a snapshot shows it PROGRESSING, then cancel it again once ended. */
  readonly cancelWhenProgressing?: boolean;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const ENDED = new Set(['COMPLETE', 'ERROR', 'CANCELED']);

/** Submits the job, follows it with GetJob until it ends or the time is up, and records every answer. */
export async function runCheckJob(client: MediaConvertClient, input: CreateJobCommandInput, options: RunOptions): Promise<CheckJobRun> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const command = new CreateJobCommand(input);
  let wireBody: unknown;
  command.middlewareStack.add(
    (next) => async (args) => {
      wireBody = wireJson((args.request as { body?: unknown }).body);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordCreateJobBody' },
  );
  const at = () => new Date(now()).toISOString();

  let jobId: string | undefined;
  const createdAt = at();
  try {
    jobId = (await client.send(command)).Job?.Id;
  } catch (error) {
    return { wireBody, create: failed(error, createdAt), jobId, settingsAsEchoed: undefined, snapshots: [], finalStatus: 'NOT_CREATED', errorCode: undefined, errorMessage: undefined };
  }
  if (jobId === undefined) throw new Error('CreateJob answered without a job id');

  const snapshots: JobSnapshot[] = [];
  let settingsAsEchoed: Job['Settings'] | undefined;
  let cancelWhileProgressing: CallAnswer | undefined;
  let last: Job | undefined;
  const deadline = now() + options.timeoutMs;
  while (now() < deadline) {
    const { Job: job } = await client.send(new GetJobCommand({ Id: jobId }));
    if (job === undefined) throw new Error(`GetJob ${jobId} answered without the job`);
    const { Settings, ...rest } = job;
    settingsAsEchoed ??= Settings;
    snapshots.push({ at: at(), ...rest });
    last = job;
    if (ENDED.has(job.Status ?? '')) break;
    if (options.cancelWhenProgressing && cancelWhileProgressing === undefined && job.Status === 'PROGRESSING') {
      cancelWhileProgressing = await cancel(client, jobId, at);
      continue;
    }
    await sleep(options.pollIntervalMs);
  }
  const ended = last !== undefined && ENDED.has(last.Status ?? '');
  if (!ended) await cancel(client, jobId, at);
  const cancelAfterEnd = options.cancelWhenProgressing && ended ? await cancel(client, jobId, at) : undefined;
  return {
    wireBody,
    create: { ok: true, at: createdAt },
    jobId,
    settingsAsEchoed,
    snapshots,
    finalStatus: ended ? (last?.Status as string) : 'TIMED_OUT',
    errorCode: last?.ErrorCode,
    errorMessage: last?.ErrorMessage,
    ...(cancelWhileProgressing === undefined ? {} : { cancelWhileProgressing }),
    ...(cancelAfterEnd === undefined ? {} : { cancelAfterEnd }),
  };
}

async function cancel(client: MediaConvertClient, id: string, at: () => string): Promise<CallAnswer> {
  const when = at();
  try {
    await client.send(new CancelJobCommand({ Id: id }));
    return { ok: true, at: when };
  } catch (error) {
    return failed(error, when);
  }
}

function failed(error: unknown, at: string): CallAnswer {
  const { name, message, $metadata } = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return { ok: false, at, name: name ?? 'Error', httpStatusCode: $metadata?.httpStatusCode, message: message ?? String(error) };
}

function wireJson(body: unknown): unknown {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : undefined;
  return text === undefined || text === '' ? undefined : JSON.parse(text);
}
