import { CliArgsError, parseCliArgs, USAGE } from './parseCliArgs.js';
import { startLocal } from './startLocal.js';

/** The user the printed token belongs to. */
const DEV_USER = 'local-dev';
/** The printed token is for pasting into tools, so it lives long (the key persists, so restarts keep it valid). */
const DEV_TOKEN_SECONDS = 30 * 24 * 60 * 60;

let command;
try {
  command = parseCliArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof CliArgsError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (command.help) {
  console.log(USAGE);
  process.exit(0);
}

const local = await startLocal(command.options);
const token = await local.mintToken(DEV_USER, { expiresInSeconds: DEV_TOKEN_SECONDS });

const anotherUser = local.tokenUrl
  ? `another user, from this machine: curl -X POST ${local.tokenUrl} -d '{"sub":"alice"}'`
  : 'the token route answers loopback clients only, and the API listens on none';

console.log(`media-pipeline local mode
  API        ${local.apiUrl}
  Demo page  ${local.apiUrl}/#token=${token}   (open it in a browser: upload, follow, play; docs/uppy.md)
  WebSocket  ${local.webSocketUrl}   (live progress; docs/websocket.md)
  S3         ${local.s3Endpoint}   (buckets ${local.uploadsBucket}, ${local.mediaBucket}; key ${local.credentials.accessKeyId}/${local.credentials.secretAccessKey}, region ${local.region})
  DynamoDB   ${local.dynamoDbEndpoint}   (tables ${local.uploadsTable}, ${local.usageTable}, ${local.connectionsTable})
  SQS        ${local.sqsEndpoint}   (the process queue, for the sweep's re-sent events; deletes' invalidation requests)
  CDN        none: players read outputs from the S3 emulator, uncached, so a deleted output is gone at once (on AWS a delete invalidates its CloudFront copies; docs/local-mode.md)
  Data       ${local.dataDir}
  ffmpeg     ${local.ffmpeg ? `${local.ffmpeg.version}, from ${local.ffmpeg.source}` : 'none: processing is off (see the warning above)'}
  Media      ${
    local.mediaServerUrl
      ? `signed: ${local.mediaServerUrl} serves media only on a valid CloudFront signature (403 otherwise), as CloudFront does on AWS; the API hands out signed URLs`
      : `public: outputs straight from the S3 emulator's public bucket (on AWS through CloudFront); --media-access signed to require signatures`
  }
  MediaConvert ${local.mediaConvert ? `emulated with that ffmpeg at ${local.mediaConvert.endpoint} (docs/local-mode.md says what only AWS proves)` : 'off: every video is transcoded by the ffmpeg run'}
  User       ${DEV_USER} (token valid for 30 days; ${anotherUser})
  Token      ${token}
Ready. Ctrl-C stops.`);

/**
 * Wrappers (npm, tsx) relay Ctrl-C to this process while the terminal also sends it to the
 * whole process group, so one Ctrl-C can arrive twice within milliseconds: a repeat that
 * quick is the same keypress, and only a later one forces the exit.
 */
const REPEATED_SIGNAL_MS = 1000;
let stoppingSince: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < REPEATED_SIGNAL_MS) return;
      console.error('Stopping anyway.');
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.error(`${signal}: stopping (again to force)…`);
    local.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Local mode did not stop cleanly', error);
        process.exit(1);
      },
    );
  });
}
