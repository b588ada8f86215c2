import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BrowserPageServer {
  /** `http://127.0.0.1:<port>`: an origin of its own, apart from the API's and S3's. */
  readonly origin: string;
  close(): Promise<void>;
}

// The empty icon keeps the browser from asking for /favicon.ico, whose 404 would show as a page error.
const PAGE_HTML =
  '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>media-pipeline browser upload</title>' +
  '<script type="module" src="/page.js"></script>';

/** Serves the test page and its bundled script on a free loopback port. */
export async function startBrowserPageServer(script: string): Promise<BrowserPageServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE_HTML);
    } else if (path === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
