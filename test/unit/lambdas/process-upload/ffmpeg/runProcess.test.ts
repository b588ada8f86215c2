import { describe, expect, it } from 'vitest';
import { runProcess } from '../../../../../lambdas/process-upload/ffmpeg/runProcess.js';
import { fakeBinary } from '../../../support/fakeBinary.js';

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

  it('writes stdinFiles to stdin one after another, then closes it', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'stdin-files-'));
    await writeFile(join(dir, 'a'), 'first ');
    await writeFile(join(dir, 'b'), 'second');
    const bin = await fakeBinary('cat');
    expect((await runProcess(bin, [], { captureStdout: true, stdinFiles: [join(dir, 'a'), join(dir, 'b')] })).stdout).toBe('first second');
  });

  it('lets a process stop reading stdin early without failing the run', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'stdin-files-'));
    await writeFile(join(dir, 'big'), Buffer.alloc(4 * 1024 * 1024));
    const bin = await fakeBinary('head -c 10 >/dev/null; echo done');
    expect(await runProcess(bin, [], { captureStdout: true, stdinFiles: [join(dir, 'big'), join(dir, 'big')] })).toMatchObject({
      exitCode: 0,
      stdout: 'done\n',
    });
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
