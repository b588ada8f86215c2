import { parseArgs } from 'node:util';
import type { UploadPolicy } from '../lambdas/shared/mediaPolicy.js';
import { MEDIA_ACCESS_MODES, type MediaAccess } from '../lambdas/shared/config.js';
import { TRANSCODER_SETTINGS, type TranscoderSetting } from '../lambdas/process-upload/plan/transcoderRouting.js';
import type { LocalOptions } from './startLocal.js';

export const USAGE = `Usage: npm run local -- [options]

Runs the HTTP API, an S3 emulator and a DynamoDB emulator on this machine.

  --host <address>          interface to listen on (0.0.0.0 lets devices on your network in)  [LOCAL_HOST, default 127.0.0.1]
  --public-host <name>      host name clients use in URLs and signed part URLs                [LOCAL_PUBLIC_HOST, default: host, or the LAN address with 0.0.0.0]
  --port <n>                API port, 0 for any free port                                     [LOCAL_PORT, default 4000]
  --s3-port <n>             S3 emulator port                                                  [LOCAL_S3_PORT, default 4568]
  --dynamodb-port <n>       DynamoDB emulator port (127.0.0.1 only)                           [LOCAL_DYNAMODB_PORT, default 4569]
  --sqs-port <n>            SQS endpoint the functions send to (127.0.0.1 only)               [LOCAL_SQS_PORT, default 4570]
  --data-dir <path>         where objects, tables and the token key persist                   [LOCAL_DATA_DIR, default .local-data]
  --reset                   wipe the data folder first
  --expire-interval <s>     seconds between runs of the expiry job, 0 to turn it off          [LOCAL_EXPIRE_INTERVAL, default 60]
  --sweep-interval <s>      seconds between runs of the sweep, 0 to turn it off               [LOCAL_SWEEP_INTERVAL, default 60]
  --stall-margin <s>        seconds a stall must last before the sweep acts                   [LOCAL_STALL_MARGIN, default 60]
  --retention-interval <s>  seconds between runs of the retention job (and the table's TTL), 0 to turn it off [LOCAL_RETENTION_INTERVAL, default 60]
  --upload-policy <json>    UPLOAD_POLICY for the functions, e.g. '{"partUrlExpirySeconds":60}' [UPLOAD_POLICY]
  --transcoder <which>      auto, ffmpeg or mediaconvert (MediaConvert is emulated with ffmpeg) [LOCAL_TRANSCODER, default auto]
  --route-longer-than <s>   with auto, video longer than this goes to MediaConvert             [LOCAL_ROUTE_LONGER_THAN, default 600]
  --media-access <which>    public or signed (the stack's access; signed: a media server checks CloudFront signatures) [LOCAL_MEDIA_ACCESS, default public]
  --media-port <n>          port of the media server with signed access                        [LOCAL_MEDIA_PORT, default 4571]
  --malware-scan            hold processing for a malware verdict, from a DOUBLE that flags only the EICAR test file [LOCAL_MALWARE_SCAN=true]
  --verbose                 print the S3 emulator's request log
  --help                    print this help`;

export class CliArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliArgsError';
  }
}

export type CliCommand = { readonly help: true } | { readonly help: false; readonly options: LocalOptions };

/** Reads the CLI flags, falling back to the `LOCAL_*` environment variables; flags win. */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        host: { type: 'string' },
        'public-host': { type: 'string' },
        port: { type: 'string' },
        's3-port': { type: 'string' },
        'dynamodb-port': { type: 'string' },
        'sqs-port': { type: 'string' },
        'data-dir': { type: 'string' },
        reset: { type: 'boolean' },
        'expire-interval': { type: 'string' },
        'sweep-interval': { type: 'string' },
        'stall-margin': { type: 'string' },
        'retention-interval': { type: 'string' },
        'upload-policy': { type: 'string' },
        transcoder: { type: 'string' },
        'route-longer-than': { type: 'string' },
        'media-access': { type: 'string' },
        'media-port': { type: 'string' },
        'malware-scan': { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new CliArgsError((error as Error).message);
  }
  if (values.help) return { help: true };

  const setting = (flag: string | undefined, variable: string) => flag ?? (env[variable]?.trim() || undefined);
  const policy = setting(values['upload-policy'], 'UPLOAD_POLICY');
  return {
    help: false,
    options: {
      host: setting(values.host, 'LOCAL_HOST'),
      publicHost: setting(values['public-host'], 'LOCAL_PUBLIC_HOST'),
      port: port(setting(values.port, 'LOCAL_PORT'), '--port'),
      s3Port: port(setting(values['s3-port'], 'LOCAL_S3_PORT'), '--s3-port'),
      dynamoDbPort: port(setting(values['dynamodb-port'], 'LOCAL_DYNAMODB_PORT'), '--dynamodb-port'),
      sqsPort: port(setting(values['sqs-port'], 'LOCAL_SQS_PORT'), '--sqs-port'),
      dataDir: setting(values['data-dir'], 'LOCAL_DATA_DIR'),
      reset: values.reset ?? false,
      expireIntervalSeconds: seconds(setting(values['expire-interval'], 'LOCAL_EXPIRE_INTERVAL'), '--expire-interval'),
      sweepIntervalSeconds: seconds(setting(values['sweep-interval'], 'LOCAL_SWEEP_INTERVAL'), '--sweep-interval'),
      stallMarginSeconds: seconds(setting(values['stall-margin'], 'LOCAL_STALL_MARGIN'), '--stall-margin'),
      retentionIntervalSeconds: seconds(setting(values['retention-interval'], 'LOCAL_RETENTION_INTERVAL'), '--retention-interval'),
      uploadPolicy: policy === undefined ? undefined : uploadPolicy(policy),
      transcoder: transcoder(setting(values.transcoder, 'LOCAL_TRANSCODER')),
      mediaConvertRouting: routing(seconds(setting(values['route-longer-than'], 'LOCAL_ROUTE_LONGER_THAN'), '--route-longer-than')),
      mediaAccess: mediaAccess(setting(values['media-access'], 'LOCAL_MEDIA_ACCESS')),
      mediaPort: port(setting(values['media-port'], 'LOCAL_MEDIA_PORT'), '--media-port'),
      malwareScan: values['malware-scan'] ?? flag(env.LOCAL_MALWARE_SCAN, 'LOCAL_MALWARE_SCAN'),
      verbose: values.verbose ?? false,
    },
  };
}

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65_535) throw new CliArgsError(`${flag} must be a port number from 0 to 65535, got "${value}"`);
  return number;
}

function seconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new CliArgsError(`${flag} must be a number of seconds, got "${value}"`);
  return Number(value);
}

function flag(value: string | undefined, variable: string): boolean | undefined {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === '') return undefined;
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  throw new CliArgsError(`${variable} must be true or false, got "${trimmed}"`);
}

function mediaAccess(value: string | undefined): MediaAccess | undefined {
  if (value === undefined) return undefined;
  if ((MEDIA_ACCESS_MODES as readonly string[]).includes(value)) return value as MediaAccess;
  throw new CliArgsError(`--media-access must be one of ${MEDIA_ACCESS_MODES.join(', ')}, got "${value}"`);
}

function transcoder(value: string | undefined): TranscoderSetting | undefined {
  if (value === undefined) return undefined;
  if (!(TRANSCODER_SETTINGS as readonly string[]).includes(value)) {
    throw new CliArgsError(`--transcoder must be one of ${TRANSCODER_SETTINGS.join(', ')}, got "${value}"`);
  }
  return value as TranscoderSetting;
}

function routing(routeLongerThanSeconds: number | undefined): LocalOptions['mediaConvertRouting'] {
  return routeLongerThanSeconds === undefined ? undefined : { routeLongerThanSeconds };
}

function uploadPolicy(value: string): Partial<UploadPolicy> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new CliArgsError(`--upload-policy must be JSON, got ${value.slice(0, 80)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliArgsError(`--upload-policy must be a JSON object, got ${value.slice(0, 80)}`);
  }
  return parsed as Partial<UploadPolicy>;
}
