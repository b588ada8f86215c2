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
        dataDir: undefined,
        reset: false,
        expireIntervalSeconds: undefined,
        uploadPolicy: undefined,
        verbose: false,
      },
    });
  });

  it('reads every flag', () => {
    const command = parseCliArgs(
      [
        '--host', '0.0.0.0', '--public-host', '192.168.1.20', '--port', '0', '--s3-port', '9000', '--dynamodb-port', '9001',
        '--data-dir', '/tmp/d', '--reset', '--expire-interval', '5', '--upload-policy', '{"partUrlExpirySeconds":60}', '--verbose',
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
        dataDir: '/tmp/d',
        reset: true,
        expireIntervalSeconds: 5,
        uploadPolicy: { partUrlExpirySeconds: 60 },
        verbose: true,
      },
    });
  });

  it('falls back to the LOCAL_* variables and UPLOAD_POLICY, with flags winning', () => {
    const env = { LOCAL_HOST: '0.0.0.0', LOCAL_PORT: '4100', LOCAL_S3_PORT: '4200', LOCAL_DATA_DIR: '/data', UPLOAD_POLICY: '{"maxFileSize":10}' };
    const command = parseCliArgs(['--port', '4300'], env);
    expect(command).toMatchObject({
      options: { host: '0.0.0.0', port: 4300, s3Port: 4200, dataDir: '/data', uploadPolicy: { maxFileSize: 10 } },
    });
  });

  it('asks for help', () => {
    expect(parseCliArgs(['--help'], {})).toEqual({ help: true });
  });

  it.each([
    [['--port', 'abc'], '--port must be a port number from 0 to 65535, got "abc"'],
    [['--s3-port', '70000'], '--s3-port must be a port number from 0 to 65535, got "70000"'],
    [['--expire-interval', 'soon'], '--expire-interval must be a number of seconds, got "soon"'],
    [['--upload-policy', '{'], '--upload-policy must be JSON, got {'],
    [['--upload-policy', '[1]'], '--upload-policy must be a JSON object, got [1]'],
    [['--prot', '1'], "Unknown option '--prot'"],
  ])('rejects %j: %s', (argv, message) => {
    expect(() => parseCliArgs(argv, {})).toThrow(CliArgsError);
    expect(() => parseCliArgs(argv, {})).toThrow(message);
  });
});
