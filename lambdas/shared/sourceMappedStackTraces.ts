import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** What a source's path in the map has before `lambdas/…` or `node_modules/…`: the build's folders, which mean nothing at run time. */
const SOURCE_PREFIX = /^.*?(?=(lambdas|node_modules)\/)/;

/**
 * Stack traces of a bundled function name the TypeScript sources (`lambdas/…/x.ts:12:5`), not the
 * minified bundle (paths from the repository root or from `node_modules`), like `--enable-source-maps` but reading a source map only when the first
 * stack trace through its file is formatted, never at cold start.
 *
 * Why not the flag: Node reads and parses the whole map and measures every line of the bundle
 * while it loads it, 20 to 45 ms of each cold start here (bench/bundles.ts) for traces that most
 * containers never print. Here the cold start only sets `Error.prepareStackTrace`; the first
 * formatted trace pays for each map it needs once per container.
 *
 * A bundle is the folder `bundleFolderUrl` names (`index.mjs` and its chunks, each with its
 * `.map` beside it). Each frame of one of its files keeps V8's own text with the source's position
 * and function name; frames elsewhere (Node's own), a file without a readable map and a frame its
 * map gets wrong (`safeFrame`) are printed as V8 prints them: reading `.stack` never throws.
 */
export function mapStackTracesOfBundle(bundleFolderUrl: string): void {
  const maps = new Map<string, SourceMap | null>();
  const sourceMap = (fileUrl: string): SourceMap | null => {
    let map = maps.get(fileUrl);
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(fileUrl)}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        map = null;
      }
      maps.set(fileUrl, map);
    }
    return map;
  };

  /** Where a frame of the bundle stands in the sources, if the map knows. */
  const original = (site: NodeJS.CallSite | undefined) => {
    const file = site?.getFileName();
    const line = site?.getLineNumber();
    const column = site?.getColumnNumber();
    if (!isBundleFile(file, bundleFolderUrl) || line == null || column == null) return undefined;
    const entry = sourceMap(file)?.findEntry(line - 1, column - 1);
    return entry !== undefined && 'originalSource' in entry ? { at: `${file}:${line}:${column}`, entry } : undefined;
  };

  /**
   * V8's text of the frame with the source's position; its minified function name becomes the
   * source's when the caller's call names it (how --enable-source-maps names it too).
   */
  const frame = (site: NodeJS.CallSite, caller: NodeJS.CallSite | undefined): string => {
    const text = site.toString();
    const here = original(site);
    if (here === undefined) return text;
    const { originalSource, originalLine, originalColumn } = here.entry;
    let mapped = text.replace(here.at, `${originalSource.replace(SOURCE_PREFIX, '')}:${originalLine + 1}:${originalColumn + 1}`);
    const minified = site.getFunctionName();
    // Node's entries carry the name the map gives the range (newer than @types/node's SourceMapping).
    const name = (original(caller)?.entry as { readonly name?: string } | undefined)?.name;
    if (minified && typeof name === 'string' && name) {
      const location = mapped.lastIndexOf(' (');
      if (location > 0) mapped = mapped.slice(0, location).replace(new RegExp(`\\b${escapeRegExp(minified)}\\b`), () => name) + mapped.slice(location);
    }
    return mapped;
  };

  /**
   * `frame`, or V8's own text when the map misleads it: a map is read from disk and only parsed,
   * not checked (a source may be `null`; `frame` also ignores a name that is no string), and a
   * throw here would make reading `error.stack` throw in the error path that logs it.
   */
  const safeFrame = (site: NodeJS.CallSite, caller: NodeJS.CallSite | undefined): string => {
    try {
      return frame(site, caller);
    } catch {
      return site.toString();
    }
  };

  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => [formatHeader(error), ...sites.map((site, i) => `    at ${safeFrame(site, sites[i + 1])}`)].join('\n');
}

/** The first line V8 gives a stack trace: `Error.prototype.toString` of the error, which can throw for odd errors. */
function formatHeader(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

/** True for a file of the bundle itself: a module in its folder, not below it. */
function isBundleFile(file: string | null | undefined, bundleFolderUrl: string): file is string {
  return typeof file === 'string' && file.startsWith(bundleFolderUrl) && file.endsWith('.mjs') && !file.slice(bundleFolderUrl.length).includes('/');
}

/**
 * `text` as a pattern that matches it literally. A function's name need not be an identifier
 * (`{ 'check('() {} }`), and an unescaped `(` would make `.stack` throw a SyntaxError.
 */
function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
