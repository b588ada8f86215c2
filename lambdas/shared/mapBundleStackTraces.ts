/**
 * Injected into every bundle (`pipelineEsbuildOptions`), never imported: maps the stack traces of
 * the bundle's files to its sources, reading a source map on the first trace through its file.
 * It may land in a chunk, so it names the bundle's folder, which every chunk shares.
 */
import { mapStackTracesOfBundle } from './sourceMappedStackTraces.js';

mapStackTracesOfBundle(new URL('.', import.meta.url).href);
