import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type DemoFile, readDemoPage, writeDemoPage } from '../../../web/buildDemoPage.js';

const file = (contentType: string, body: string): DemoFile => ({ contentType, body: Buffer.from(body) });

describe('writeDemoPage and readDemoPage', () => {
  let folder: string | undefined;
  afterEach(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('write the page as a static host serves it, and read back the same paths, types and bytes', () => {
    folder = mkdtempSync(join(tmpdir(), 'demo-page-'));
    const page = new Map([
      ['/', file('text/html; charset=utf-8', '<!doctype html>')],
      ['/config.json', file('application/json', '{}')],
      ['/demo/app.css', file('text/css; charset=utf-8', 'body{}')],
      ['/demo/app.js', file('text/javascript; charset=utf-8', 'export{}')],
    ]);
    writeDemoPage(page, folder);

    expect(readFileSync(join(folder, 'index.html'), 'utf8')).toBe('<!doctype html>');
    expect(readFileSync(join(folder, 'demo', 'app.js'), 'utf8')).toBe('export{}');
    expect(readDemoPage(folder)).toEqual(page);
  });
});
