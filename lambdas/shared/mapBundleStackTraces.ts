/**
 * Injected at the top of every bundle (`pipelineEsbuildOptions`), never imported: maps the
 * bundle's own stack traces to its sources, reading its source map on the first trace.
 */
import { mapStackTracesTo } from './sourceMappedStackTraces.js';

mapStackTracesTo(import.meta.url);
