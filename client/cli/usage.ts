import { ENV_API, ENV_TOKEN, ENV_WS_URL } from './parseCliArgs.js';

export const USAGE = `Usage: media-pipeline <command> [options]

Commands:
  upload FILE [--type MIME] [--concurrency N] [--resume ID] [--no-wait] [--json]
                  Upload FILE in parts (prints the upload id first), then follow processing live
                  until the upload is ready or failed; prints the final record (JSON) last.
                  --resume ID sends only the parts the upload is still missing.
                  --no-wait stops once the upload is complete (status uploaded).
  watch [ID] [--json]
                  Print a line (or a JSON object) per live event: of upload ID until it is final,
                  or of all your uploads until Ctrl-C.
  status ID [--json]
                  Print an upload's record (JSON).
  ls [--status S] [--limit N] [--cursor C] [--json]
                  List your uploads, newest first.
  rm ID           Cancel an unfinished upload, or delete a finished one with its outputs.
  download ID [PATH]
                  Save the original file to PATH (default: its filename, in this folder) with a
                  progress bar; prints PATH. A PATH holding the start of it is resumed.
  help            Show this help (also -h, --help).

Options:
  --api URL       The API's base URL (or ${ENV_API}).
  --token T       A bearer token (or ${ENV_TOKEN}).
  --ws-url URL    The live-progress WebSocket URL, ws:// or wss:// (or ${ENV_WS_URL});
                  by default the one GET /config names.
  --json          For scripts (upload, status, ls, watch): JSON alone on stdout (one document;
                  for watch one event per line) and no progress on stderr; a failure is one
                  line on stderr, {"error":{"code","message",...}} with the API's code.
  -h, --help      Show this help.

Exit codes: 0 ok (for upload and watch ID: the upload is ready; upload --no-wait: it is
complete), 1 failed, 2 usage error, 3 the upload ended failed, cancelled or expired,
130 interrupted (Ctrl-C; for watch without ID, the way it ends).
`;
