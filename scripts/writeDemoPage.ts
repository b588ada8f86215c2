/**
 * `npm run build:demo -- <folder> [apiUrl]`: writes the demo page (web/demo/, as local mode
 * serves it) to a folder, for hosting it apart from the API, e.g. in a bucket behind a CDN. With
 * an API URL its `config.json` points the page there; without one the page asks for it at sign-in.
 * The API must allow the page's origin (the stack's `corsOrigins`, every origin by default).
 */
import { resolve } from 'node:path';
import { buildDemoPage, writeDemoPage } from '../web/buildDemoPage.js';

const [folder, apiUrl] = process.argv.slice(2);
if (!folder || (apiUrl !== undefined && !/^https?:\/\//.test(apiUrl))) {
  console.error('Usage: npm run build:demo -- <folder> [https://<api-id>.execute-api.<region>.amazonaws.com]');
  process.exit(2);
}
const files = await buildDemoPage(apiUrl === undefined ? {} : { apiUrl: apiUrl.replace(/\/+$/, '') });
writeDemoPage(files, resolve(folder));
console.log(`Wrote the demo page to ${resolve(folder)} (${[...files.keys()].map((path) => (path === '/' ? 'index.html' : path.slice(1))).join(', ')})`);
