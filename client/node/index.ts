export * from '../index.js';
export { openFileSource, type FileSource } from './fileSource.js';
