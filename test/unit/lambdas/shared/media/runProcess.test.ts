import { describe, expect, it } from 'vitest';
import { runProcess } from '../../../../../lambdas/shared/media/runProcess.js';
import { fakeBinary } from './fakeBinary.js';

describe('runProcess', () => {
  it('resolves with the exit code, stdout and the last stderr lines, whatever the status', async () => {
    const bin = await fakeBinary('echo out; for i in 1 2 3 4 5; do echo "line $i" >&2; done; exit 3');
    expect(await runProcess(bin, [], { captureStdout: true, stderrLines: 2 })).toEqual({
      exitCode: 3,
      signal: null,
      stdout: 'out\n',
      stderrTail: ['line 4', 'line 5'],
      timedOut: false,
      aborted: false,
    });
  });

  it('keeps presigned URLs out of the stderr lines it returns for the logs, but still names the object', async () => {
    const url = 'http://127.0.0.1:4568/uploads-bucket/uploads/abc/source?X-Amz-Credential=AKIA%2F20261122&X-Amz-Signature=5ec7e7&x-id=GetObject';
    const bin = await fakeBinary(`echo "${url}: Invalid data found when processing input" >&2; echo "Opening ${url} for reading" >&2; exit 1`);
    const { stderrTail } = await runProcess(bin, []);
    expect(stderrTail).toEqual([
      'http://127.0.0.1:4568/uploads-bucket/uploads/abc/source?[query removed]: Invalid data found when processing input',
      'Opening http://127.0.0.1:4568/uploads-bucket/uploads/abc/source?[query removed] for reading',
    ]);
  });

  it('passes arguments without a shell', async () => {
    const bin = await fakeBinary('printf "%s|" "$@"');
    expect((await runProcess(bin, ['a b', '$HOME', 'x&y'], { captureStdout: true })).stdout).toBe('a b|$HOME|x&y|');
  });

  it('hands each stdout line to onStdoutLine', async () => {
    const bin = await fakeBinary('printf "a=1\\nprogress=continue\\na=2\\nprogress=end\\n"');
    const lines: string[] = [];
    await runProcess(bin, [], { onStdoutLine: (line) => lines.push(line) });
    expect(lines).toEqual(['a=1', 'progress=continue', 'a=2', 'progress=end']);
  });

  it('streams file descriptor 3 to onFd3Data', async () => {
    const bin = await fakeBinary('printf "pcm-bytes" >&3');
    const chunks: Buffer[] = [];
    await runProcess(bin, [], { onFd3Data: (chunk) => chunks.push(chunk) });
    expect(Buffer.concat(chunks).toString()).toBe('pcm-bytes');
  });

  it('kills a run that outlives its time limit', async () => {
    const bin = await fakeBinary('exec sleep 30');
    const result = await runProcess(bin, [], { timeoutMs: 100 });
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: true, aborted: false });
  });

  it('kills a run when its signal aborts, and does not start one already aborted', async () => {
    const bin = await fakeBinary('exec sleep 30');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await runProcess(bin, [], { signal: controller.signal })).toMatchObject({ signal: 'SIGKILL', aborted: true });
    expect(await runProcess(bin, [], { signal: controller.signal })).toMatchObject({ exitCode: null, aborted: true });
  });

  it('rejects when the binary does not exist', async () => {
    await expect(runProcess('/nonexistent/ffmpeg', [])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
