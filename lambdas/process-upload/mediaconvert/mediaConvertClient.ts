import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { mediaConvertSettings } from '../../shared/config.js';
import type { MediaConvertSettings } from './mediaConvertSettings.js';

let cached: { readonly client: MediaConvertClient; readonly settings: MediaConvertSettings } | undefined;

/**
 * The MediaConvert client and settings, made on first use (a function that never meets a
 * MediaConvert job, on a stack without it, needs neither) and kept for the container. On AWS the
 * SDK resolves the regional endpoint itself; local mode points it at the emulator.
 */
export function mediaConvert(): { readonly client: MediaConvertClient; readonly settings: MediaConvertSettings } {
  if (!cached) {
    const settings = mediaConvertSettings();
    const client = new MediaConvertClient(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint });
    cached = { client, settings };
  }
  return cached;
}
