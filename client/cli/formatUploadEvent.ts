import type { UploadEvent } from '../protocol.js';
import type { UploadState } from '../waitUntilReady.js';
import { formatBytes } from './formatProgress.js';

/** What an upload is doing, for the line `upload` prints while it follows processing. */
export function formatUploadState(state: UploadState): string {
  switch (state.status) {
    case 'initiated':
      return 'Waiting for the upload to complete';
    case 'uploaded':
      return 'Uploaded; waiting for processing';
    case 'processing':
      return `Processing: ${state.stage ?? 'starting'} ${state.progress ?? 0}%`;
    default:
      return state.error === undefined ? capitalize(state.status) : `${capitalize(state.status)}: ${state.error.code}: ${state.error.message}`;
  }
}

/**
 * One line per event for `watch`:
 * `2025-01-01T10:00:00.000Z  01J…  processing  transcode 40%  talk.mp4`.
 */
export function formatUploadEvent(event: UploadEvent): string {
  return [event.at, event.uploadId, event.status.padEnd(10), detail(event), event.filename].filter((field) => field !== '').join('  ');
}

function detail(event: UploadEvent): string {
  switch (event.status) {
    case 'initiated': {
      const sent = event.bytesSent ?? 0;
      const percent = event.totalBytes === 0 ? 100 : (sent / event.totalBytes) * 100;
      return `${formatBytes(sent)} / ${formatBytes(event.totalBytes)} (${percent.toFixed(1)}%)`;
    }
    case 'uploaded':
      return formatBytes(event.totalBytes);
    case 'processing':
      return `${event.stage ?? 'starting'} ${event.progress ?? 0}%`;
    case 'ready':
      return event.media?.kind ?? '';
    default:
      return event.error === undefined ? '' : `${event.error.code}: ${event.error.message}`;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
