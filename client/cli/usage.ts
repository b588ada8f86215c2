import { ENV_API, ENV_TOKEN } from './parseCliArgs.js';

export const USAGE = `Usage: media-pipeline <command> [options]

Commands:
  upload FILE [--type MIME] [--concurrency N] [--resume ID]
                  Upload FILE in parts; prints the upload id first and the final record (JSON) last.
                  --resume ID sends only the parts the upload is still missing.
  status ID       Print an upload's record (JSON).
  ls [--status S] [--limit N] [--cursor C] [--json]
                  List your uploads, newest first.
  rm ID           Cancel an unfinished upload, or delete a finished one with its outputs.
  help            Show this help (also -h, --help).

Options:
  --api URL       The API's base URL (or ${ENV_API}).
  --token T       A bearer token (or ${ENV_TOKEN}).
  -h, --help      Show this help.

Exit codes: 0 ok, 1 failed, 2 usage error, 130 interrupted (Ctrl-C).
`;
