export * from '../index.js';
// Shadows the core's createClient re-exported above: Node gets `ws` by default.
export { createClient } from './createClient.js';
export { openFileSource, type FileSource } from './fileSource.js';
export { downloadToFile, type DownloadOptions, type DownloadProgress, type DownloadResult } from './downloadToFile.js';
