import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { contentTypeFor } from '../contentTypeFor.js';
import type { UploadSource } from '../uploadSource.js';

/** A file on disk as an upload source; close it when the upload has settled. */
export interface FileSource extends UploadSource {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Opens a file for upload (Node only). Each part's bytes are read with positional reads when
 * the part is about to be sent, so a file of any size costs only the parts in flight.
 */
export async function openFileSource(path: string, options: { readonly type?: string } = {}): Promise<FileSource> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const name = basename(path);
    const type = options.type ?? contentTypeFor(name);
    return {
      path,
      size,
      name,
      ...(type === undefined ? {} : { type }),
      slice: async (start, end) => {
        const bytes = Buffer.allocUnsafe(end - start);
        let filled = 0;
        while (filled < bytes.length) {
          const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, start + filled);
          if (bytesRead === 0) throw new Error(`${path} ended at byte ${start + filled} but was ${size} bytes when opened`);
          filled += bytesRead;
        }
        return bytes;
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
