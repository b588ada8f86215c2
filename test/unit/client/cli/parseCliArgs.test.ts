import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../../../../client/cli/parseCliArgs.js';

const TARGET = ['--api', 'https://api.example.test', '--token', 'tok'];

function usageErrorOf(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseCliArgs(argv, env);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${argv.join(' ')} parsed without a usage error`);
}

describe('parseCliArgs', () => {
  it('parses an upload with its options', () => {
    expect(parseCliArgs(['upload', 'song.mp3', ...TARGET, '--concurrency', '8'], {})).toEqual({
      kind: 'upload',
      api: 'https://api.example.test',
      token: 'tok',
      file: 'song.mp3',
      contentType: 'audio/mpeg',
      concurrency: 8,
      resume: undefined,
      wait: true,
      json: false,
      webSocketUrl: undefined,
    });
  });

  it('prefers --type over the extension and takes --resume', () => {
    expect(parseCliArgs(['upload', 'voice.bin', '--type', 'audio/ogg', '--resume', 'u1', ...TARGET], {})).toMatchObject({
      contentType: 'audio/ogg',
      resume: 'u1',
    });
  });

  it('resumes a file whose type cannot be guessed (the upload already has one)', () => {
    expect(parseCliArgs(['upload', 'data.bin', '--resume', 'u1', ...TARGET], {})).toMatchObject({ contentType: undefined });
  });

  it('takes --api and --token from MEDIA_PIPELINE_API and MEDIA_PIPELINE_TOKEN, flags winning', () => {
    const env = { MEDIA_PIPELINE_API: 'https://env.example.test', MEDIA_PIPELINE_TOKEN: 'env-tok' };

    expect(parseCliArgs(['status', 'u1'], env)).toEqual({ kind: 'status', api: 'https://env.example.test', token: 'env-tok', uploadId: 'u1', json: false });
    expect(parseCliArgs(['rm', 'u1', '--token', 'flag-tok'], env)).toMatchObject({ kind: 'rm', token: 'flag-tok' });
  });

  it('parses ls with its filters', () => {
    expect(parseCliArgs(['ls', '--status', 'ready', '--limit', '5', '--cursor', 'c1', '--json', ...TARGET], {})).toMatchObject({
      kind: 'ls',
      status: 'ready',
      limit: 5,
      cursor: 'c1',
      json: true,
    });
  });

  it('answers help for --help, -h and the help command, without needing --api', () => {
    expect(parseCliArgs(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCliArgs(['upload', '-h'], {})).toEqual({ kind: 'help' });
    expect(parseCliArgs(['help'], {})).toEqual({ kind: 'help' });
  });

  it('reports usage errors that say what is wrong', () => {
    expect(usageErrorOf([])).toBe('No command given');
    expect(usageErrorOf(['push', 'x'])).toBe('Unknown command "push"');
    expect(usageErrorOf(['constructor', 'u-1', ...TARGET])).toBe('Unknown command "constructor"');
    expect(usageErrorOf(['toString', 'u-1', ...TARGET])).toBe('Unknown command "toString"');
    expect(usageErrorOf(['upload', 'a.mp3', '--api', 'https://x'])).toBe('--token (or MEDIA_PIPELINE_TOKEN) is required');
    expect(usageErrorOf(['upload', ...TARGET])).toBe('upload takes exactly one FILE, got none');
    expect(usageErrorOf(['status', 'a', 'b', ...TARGET])).toBe('status takes exactly one ID, got a b');
    expect(usageErrorOf(['upload', 'a.mp3', '--concurrency', '0', ...TARGET])).toBe('--concurrency must be a whole number from 1 to 64, got "0"');
    expect(usageErrorOf(['ls', '--limit', '2.5', ...TARGET])).toBe('--limit must be a whole number 1 or more, got "2.5"');
    expect(usageErrorOf(['status', 'u1', '--limit', '3', ...TARGET])).toBe('--limit is not an option of status');
    expect(usageErrorOf(['upload', 'data.bin', ...TARGET])).toBe('Cannot tell the content type of data.bin from its extension; pass --type');
    expect(usageErrorOf(['ls', '--colour', ...TARGET])).toMatch(/Unknown option '--colour'/);
  });

  it('parses watch with or without an upload id', () => {
    expect(parseCliArgs(['watch', 'u1', ...TARGET], {})).toMatchObject({ kind: 'watch', uploadId: 'u1', json: false });
    expect(parseCliArgs(['watch', '--json', ...TARGET], {})).toMatchObject({ kind: 'watch', uploadId: undefined, json: true });
    expect(usageErrorOf(['watch', 'u1', 'u2', ...TARGET])).toBe('watch takes at most one ID, got u1 u2');
    expect(usageErrorOf(['watch', '--no-wait', ...TARGET])).toBe('--no-wait is not an option of watch');
  });

  it('takes --json on upload, status, ls and watch, and nowhere else', () => {
    expect(parseCliArgs(['upload', 'song.mp3', '--json', ...TARGET], {})).toMatchObject({ kind: 'upload', json: true });
    expect(parseCliArgs(['status', 'u1', '--json', ...TARGET], {})).toMatchObject({ kind: 'status', json: true });
    expect(usageErrorOf(['rm', 'u1', '--json', ...TARGET])).toBe('--json is not an option of rm');
    expect(usageErrorOf(['download', 'u1', '--json', ...TARGET])).toBe('--json is not an option of download');
  });

  it('takes --no-wait for upload only', () => {
    expect(parseCliArgs(['upload', 'song.mp3', '--no-wait', ...TARGET], {})).toMatchObject({ kind: 'upload', wait: false });
    expect(usageErrorOf(['status', 'u1', '--no-wait', ...TARGET])).toBe('--no-wait is not an option of status');
  });

  it('takes the WebSocket URL from --ws-url or MEDIA_PIPELINE_WS_URL on any command, the flag winning', () => {
    const env = { MEDIA_PIPELINE_WS_URL: 'wss://env.example.test' };

    expect(parseCliArgs(['watch', ...TARGET], env)).toMatchObject({ webSocketUrl: 'wss://env.example.test' });
    expect(parseCliArgs(['upload', 'song.mp3', '--ws-url', 'ws://127.0.0.1:4000/ws', ...TARGET], env)).toMatchObject({
      webSocketUrl: 'ws://127.0.0.1:4000/ws',
    });
    expect(parseCliArgs(['ls', ...TARGET], {})).toMatchObject({ webSocketUrl: undefined });
  });
});
