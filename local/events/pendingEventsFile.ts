import { readFile, rm, writeFile } from 'node:fs/promises';
import type { PendingMessage } from './SqsEventDelivery.js';

/**
 * Undelivered events survive a restart the way SQS messages would: they are written here on
 * shutdown and queued again (then removed) on the next start.
 */
export async function takePendingEvents(file: string): Promise<PendingMessage[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  await rm(file, { force: true });
  return JSON.parse(text) as PendingMessage[];
}

export async function savePendingEvents(file: string, messages: readonly PendingMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await writeFile(file, JSON.stringify(messages));
}
