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
    })
  | (Target & { readonly kind: 'status'; readonly uploadId: string })
  | (Target & { readonly kind: 'rm'; readonly uploadId: string })
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

/** Options each command takes besides `--api`, `--token` and `--help`. */
const COMMAND_OPTIONS: Readonly<Record<string, readonly OptionName[]>> = {
  upload: ['type', 'concurrency', 'resume'],
  status: [],
  ls: ['status', 'limit', 'cursor', 'json'],
  rm: [],
};

const POSITIONALS: Readonly<Record<string, string | undefined>> = { upload: 'FILE', status: 'ID', rm: 'ID', ls: undefined };

export const ENV_API = 'MEDIA_PIPELINE_API';
export const ENV_TOKEN = 'MEDIA_PIPELINE_TOKEN';

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
    if (name !== 'api' && name !== 'token' && name !== 'help' && !allowed.includes(name)) {
      throw new UsageError(`--${name} is not an option of ${command}`);
    }
  }
  const operandName = POSITIONALS[command];
  const expected = operandName === undefined ? 0 : 1;
  if (operands.length !== expected) {
    throw new UsageError(
      operandName === undefined
        ? `${command} takes no arguments, got ${operands.join(' ')}`
        : `${command} takes exactly one ${operandName}, got ${operands.length === 0 ? 'none' : operands.join(' ')}`,
    );
  }

  const target = {
    api: required(values.api ?? env[ENV_API], `--api (or ${ENV_API})`),
    token: required(values.token ?? env[ENV_TOKEN], `--token (or ${ENV_TOKEN})`),
  };
  const operand = operands[0] as string;
  switch (command) {
    case 'upload': {
      const contentType = values.type ?? contentTypeFor(operand);
      if (contentType === undefined && values.resume === undefined) {
        throw new UsageError(`Cannot tell the content type of ${operand} from its extension; pass --type`);
      }
      return {
        kind: 'upload',
        ...target,
        file: operand,
        contentType,
        concurrency: wholeNumber(values.concurrency, '--concurrency', 1, 64),
        resume: values.resume,
      };
    }
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
      return { kind: 'status', ...target, uploadId: operand };
    default:
      return { kind: 'rm', ...target, uploadId: operand };
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
