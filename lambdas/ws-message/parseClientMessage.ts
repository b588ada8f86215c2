import * as z from 'zod/mini';
import { CLIENT_ACTIONS, type ClientAction, type ClientMessage, type ProtocolError } from '../../client/protocol.js';
import { describeValue } from '../shared/validation/describeValue.js';

const optionalUploadId = z.optional(z.string());

const clientMessageSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('subscribe'), uploadId: optionalUploadId }),
  z.object({ action: z.literal('unsubscribe'), uploadId: optionalUploadId }),
  // bytesSent is any JSON value here: its rules answer INVALID_PROGRESS, not INVALID_MESSAGE.
  z.object({ action: z.literal('progress'), uploadId: z.string(), bytesSent: z.unknown() }),
  z.object({ action: z.literal('ping') }),
]);

export type ParsedClientMessage = Exclude<ClientMessage, { action: 'progress' }> | { readonly action: 'progress'; readonly uploadId: string; readonly bytesSent: unknown };

export type ParseResult = { readonly ok: true; readonly message: ParsedClientMessage } | { readonly ok: false; readonly refusal: ProtocolError };

/** A client's message, or the INVALID_MESSAGE refusal that names what was wrong. */
export function parseClientMessage(body: string | undefined): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return invalid('The message is not JSON');
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data as ParsedClientMessage };
  const action = typeof json === 'object' && json !== null ? (json as { action?: unknown }).action : undefined;
  if (action === undefined) return invalid(`The message has no action: expected one of ${CLIENT_ACTIONS.join(', ')}`);
  if (!CLIENT_ACTIONS.includes(action as ClientAction)) {
    // Quoted short: a client may send 128 KB, and the refusal must stay one small frame.
    return invalid(`Unknown action ${describeValue(action)}: expected one of ${CLIENT_ACTIONS.join(', ')}`);
  }
  return invalid(`The ${action} message is malformed: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'message'} ${issue.message}`).join('; ')}`);
}

function invalid(message: string): ParseResult {
  return { ok: false, refusal: { type: 'error', error: { code: 'INVALID_MESSAGE', message } } };
}
