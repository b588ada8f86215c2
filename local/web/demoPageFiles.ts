import { buildDemoPage, type DemoFile } from '../../web/buildDemoPage.js';

/** Paths of the page; no API route has them. */
const PAGE_PATHS = new Set(['/', '/config.json', '/demo/app.js', '/demo/app.css']);

/**
 * The gateway's handler for the demo page's paths: builds the page on the first request (again
 * after a failed build), so starting local mode costs nothing for it, and answers each file, or
 * undefined for any other path. Its `config.json` is `{}`: the API is the page's own origin.
 */
export function demoPageFiles(): (path: string) => Promise<DemoFile | undefined> {
  let files: Promise<ReadonlyMap<string, DemoFile>> | undefined;
  return async (path) => {
    if (!PAGE_PATHS.has(path)) return undefined;
    files ??= buildDemoPage();
    try {
      return (await files).get(path);
    } catch (error) {
      files = undefined;
      throw error;
    }
  };
}
