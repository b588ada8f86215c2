import { parseArgs } from 'node:util';
import { contentTypeFor } from '../contentTypeFor.js';

/** The command line is wrong: exit code 2, with the usage hint. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface Target {
  readonly api: string;
  readonly token: string;
  /** Undefined: the client asks `GET /config`. */
  readonly webSocketUrl: string | undefined;
}

export type CliCommand =
  | { readonly kind: 'help' }
  | (Target & {
      readonly kind: 'upload';
      readonly file: string;
      /** Undefined only when resuming: the upload already has its type. */
      readonly contentType: string | undefined;
      readonly concurrency: number | undefined;
      readonly resume: string | undefined;
      /** Follow processing until a final state (false: stop at `uploaded`). */
      readonly wait: boolean;
      /** For scripts: the record alone on stdout, no progress, a failure as one JSON document on stderr. */
      readonly json: boolean;
    })
  | (Target & { readonly kind: 'status'; readonly uploadId: string; readonly json: boolean })
  | (Target & { readonly kind: 'rm'; readonly uploadId: string })
  /** Without a path: the upload's filename in the current folder. */
  | (Target & { readonly kind: 'download'; readonly uploadId: string; readonly path: string | undefined })
  /** Without an id: every upload of the caller. */
  | (Target & { readonly kind: 'watch'; readonly uploadId: string | undefined; readonly json: boolean })
  | (Target & {
      readonly kind: 'ls';
      readonly status: string | undefined;
      readonly limit: number | undefined;
      readonly cursor: string | undefined;
      readonly json: boolean;
    });

const OPTIONS = {
  api: { type: 'string' },
  token: { type: 'string' },
  'ws-url': { type: 'string' },
  'no-wait': { type: 'boolean' },
  type: { type: 'string' },
  concurrency: { type: 'string' },
  resume: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** Options every command takes: where the API is and who is calling. */
const COMMON_OPTIONS: readonly OptionName[] = ['api', 'token', 'ws-url', 'help'];

/** Options each command takes besides the common ones. */
const COMMAND_OPTIONS: Readonly<Record<string, readonly OptionName[]>> = {
  upload: ['type', 'concurrency', 'resume', 'no-wait', 'json'],
  status: ['json'],
  ls: ['status', 'limit', 'cursor', 'json'],
  rm: [],
  watch: ['json'],
  download: [],
};

/** Each command's operands by name; the first `required` of them must be given. */
const POSITIONALS: Readonly<Record<string, { readonly names: readonly string[]; readonly required: number }>> = {
  upload: { names: ['FILE'], required: 1 },
  status: { names: ['ID'], required: 1 },
  rm: { names: ['ID'], required: 1 },
  ls: { names: [], required: 0 },
  watch: { names: ['ID'], required: 0 },
  download: { names: ['ID', 'PATH'], required: 1 },
};

export const ENV_API = 'MEDIA_PIPELINE_API';
export const ENV_TOKEN = 'MEDIA_PIPELINE_TOKEN';
export const ENV_WS_URL = 'MEDIA_PIPELINE_WS_URL';

export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...operands] = positionals;
  // `npx media-pipeline --help` is taken by npx itself, so `help` is a command too.
  if (values.help || command === 'help') return { kind: 'help' };
  if (command === undefined) throw new UsageError('No command given');
  // Own keys only: `constructor` or `toString` would otherwise find Object's and fall through to rm.
  if (!Object.hasOwn(COMMAND_OPTIONS, command)) throw new UsageError(`Unknown command "${command}"`);
  const allowed = COMMAND_OPTIONS[command] as readonly OptionName[];

  for (const name of Object.keys(values) as OptionName[]) {
    if (!COMMON_OPTIONS.includes(name) && !allowed.includes(name)) {
      throw new UsageError(`--${name} is not an option of ${command}`);
    }
  }
  const { names, required: least } = POSITIONALS[command] as (typeof POSITIONALS)[string];
  if (names.length === 0 && operands.length > 0) throw new UsageError(`${command} takes no arguments, got ${operands.join(' ')}`);
  if (operands.length > names.length || operands.length < least) {
    const what =
      names.length === 1
        ? `${least === 1 ? 'exactly' : 'at most'} one ${names[0]}`
        : names.map((name, index) => (index < least ? name : `[${name}]`)).join(' ');
    throw new UsageError(`${command} takes ${what}, got ${operands.length === 0 ? 'none' : operands.join(' ')}`);
  }

  const webSocketUrl = values['ws-url'] ?? env[ENV_WS_URL];
  const target = {
    api: required(values.api ?? env[ENV_API], `--api (or ${ENV_API})`),
    token: required(values.token ?? env[ENV_TOKEN], `--token (or ${ENV_TOKEN})`),
    webSocketUrl: webSocketUrl === undefined || webSocketUrl.trim() === '' ? undefined : webSocketUrl,
  };
  const first = operands[0] as string;
  switch (command) {
    case 'upload': {
      const contentType = values.type ?? contentTypeFor(first);
      if (contentType === undefined && values.resume === undefined) {
        throw new UsageError(`Cannot tell the content type of ${first} from its extension; pass --type`);
      }
      return {
        kind: 'upload',
        ...target,
        file: first,
        contentType,
        concurrency: wholeNumber(values.concurrency, '--concurrency', 1, 64),
        resume: values.resume,
        wait: !(values['no-wait'] ?? false),
        json: values.json ?? false,
      };
    }
    case 'watch':
      return { kind: 'watch', ...target, uploadId: operands[0], json: values.json ?? false };
    case 'ls':
      return {
        kind: 'ls',
        ...target,
        status: values.status,
        limit: wholeNumber(values.limit, '--limit', 1),
        cursor: values.cursor,
        json: values.json ?? false,
      };
    case 'status':
      return { kind: 'status', ...target, uploadId: first, json: values.json ?? false };
    case 'download':
      return { kind: 'download', ...target, uploadId: first, path: operands[1] };
    default:
      return { kind: 'rm', ...target, uploadId: first };
  }
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${what} is required`);
  return value;
}

/** A whole number ≥ min (and ≤ max when given); the API checks its own upper limits. */
function wholeNumber(value: string | undefined, what: string, min: number, max = Number.POSITIVE_INFINITY): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    const range = max === Number.POSITIVE_INFINITY ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${what} must be a whole number ${range}, got "${value}"`);
  }
  return number;
}
