import { describe, expect, it } from 'vitest';
import { CliArgsError, parseCliArgs } from '../../../local/parseCliArgs.js';

describe('parseCliArgs', () => {
  it('leaves every setting to its default when nothing is given', () => {
    expect(parseCliArgs([], {})).toEqual({
      help: false,
      options: {
        host: undefined,
        publicHost: undefined,
        port: undefined,
        s3Port: undefined,
        dynamoDbPort: undefined,
        sqsPort: undefined,
        dataDir: undefined,
        reset: false,
        expireIntervalSeconds: undefined,
        sweepIntervalSeconds: undefined,
        stallMarginSeconds: undefined,
        uploadPolicy: undefined,
        verbose: false,
      },
    });
  });

  it('reads every flag', () => {
    const command = parseCliArgs(
      [
        '--host', '0.0.0.0', '--public-host', '192.168.1.20', '--port', '0', '--s3-port', '9000', '--dynamodb-port', '9001',
        '--sqs-port', '9002', '--data-dir', '/tmp/d', '--reset', '--expire-interval', '5', '--sweep-interval', '30',
        '--stall-margin', '120', '--retention-interval', '600', '--upload-policy', '{"partUrlExpirySeconds":60}', '--verbose',
      ],
      {},
    );
    expect(command).toEqual({
      help: false,
      options: {
        host: '0.0.0.0',
        publicHost: '192.168.1.20',
        port: 0,
        s3Port: 9000,
        dynamoDbPort: 9001,
        sqsPort: 9002,
        dataDir: '/tmp/d',
        reset: true,
        expireIntervalSeconds: 5,
        sweepIntervalSeconds: 30,
        stallMarginSeconds: 120,
        retentionIntervalSeconds: 600,
        uploadPolicy: { partUrlExpirySeconds: 60 },
        verbose: true,
      },
    });
  });

  it('falls back to the LOCAL_* variables and UPLOAD_POLICY, with flags winning', () => {
    const env = {
      LOCAL_HOST: '0.0.0.0',
      LOCAL_PORT: '4100',
      LOCAL_S3_PORT: '4200',
      LOCAL_SQS_PORT: '4300',
      LOCAL_DATA_DIR: '/data',
      LOCAL_SWEEP_INTERVAL: '0',
      LOCAL_STALL_MARGIN: '300',
      LOCAL_RETENTION_INTERVAL: '0',
      UPLOAD_POLICY: '{"maxFileSize":10}',
    };
    const command = parseCliArgs(['--port', '4400'], env);
    expect(command).toMatchObject({
      options: {
        host: '0.0.0.0',
        port: 4400,
        s3Port: 4200,
        sqsPort: 4300,
        dataDir: '/data',
        sweepIntervalSeconds: 0,
        stallMarginSeconds: 300,
        retentionIntervalSeconds: 0,
        uploadPolicy: { maxFileSize: 10 },
      },
    });
  });

  it('chooses the transcoder and the MediaConvert line, and refuses one it does not know', () => {
    expect(parseCliArgs(['--transcoder', 'mediaconvert', '--route-longer-than', '30'], {})).toMatchObject({
      options: { transcoder: 'mediaconvert', mediaConvertRouting: { routeLongerThanSeconds: 30 } },
    });
    expect(parseCliArgs([], { LOCAL_TRANSCODER: 'ffmpeg' })).toMatchObject({ options: { transcoder: 'ffmpeg' } });
    expect(() => parseCliArgs(['--transcoder', 'handbrake'], {})).toThrow(new CliArgsError('--transcoder must be one of auto, ffmpeg, mediaconvert, got "handbrake"'));
  });

  it('chooses the media access and the media server port, and refuses an access it does not know', () => {
    expect(parseCliArgs(['--media-access', 'signed', '--media-port', '0'], {})).toMatchObject({ options: { mediaAccess: 'signed', mediaPort: 0 } });
    expect(parseCliArgs([], { LOCAL_MEDIA_ACCESS: 'signed' })).toMatchObject({ options: { mediaAccess: 'signed' } });
    expect(() => parseCliArgs(['--media-access', 'private'], {})).toThrow(new CliArgsError('--media-access must be one of public, signed, got "private"'));
  });

  it('turns on the malware scan double by flag or LOCAL_MALWARE_SCAN, and refuses a value that is not true or false', () => {
    expect(parseCliArgs(['--malware-scan'], {})).toMatchObject({ options: { malwareScan: true } });
    expect(parseCliArgs([], { LOCAL_MALWARE_SCAN: 'true' })).toMatchObject({ options: { malwareScan: true } });
    expect(parseCliArgs([], {})).toMatchObject({ options: { malwareScan: undefined } });
    expect(() => parseCliArgs([], { LOCAL_MALWARE_SCAN: 'yes' })).toThrow(new CliArgsError('LOCAL_MALWARE_SCAN must be true or false, got "yes"'));
  });

  it('asks for help', () => {
    expect(parseCliArgs(['--help'], {})).toEqual({ help: true });
  });

  it.each([
    [['--port', 'abc'], '--port must be a port number from 0 to 65535, got "abc"'],
    [['--s3-port', '70000'], '--s3-port must be a port number from 0 to 65535, got "70000"'],
    [['--expire-interval', 'soon'], '--expire-interval must be a number of seconds, got "soon"'],
    [['--stall-margin', '1m'], '--stall-margin must be a number of seconds, got "1m"'],
    [['--upload-policy', '{'], '--upload-policy must be JSON, got {'],
    [['--upload-policy', '[1]'], '--upload-policy must be a JSON object, got [1]'],
    [['--prot', '1'], "Unknown option '--prot'"],
  ])('rejects %j: %s', (argv, message) => {
    expect(() => parseCliArgs(argv, {})).toThrow(CliArgsError);
    expect(() => parseCliArgs(argv, {})).toThrow(message);
  });
});
