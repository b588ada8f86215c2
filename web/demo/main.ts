/**
 * The demo page: sign in, pick or drop files (Uppy's Dashboard, uploading through the API's
 * Companion routes: docs/uppy.md), follow every upload live (the WebSocket API; polling where
 * there is none), and play what is ready. Bundled by esbuild (web/buildDemoPage.ts); local mode
 * serves it at `/`.
 */
import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';
import './style.css';
import { createClient, type MediaPipelineClient, type PipelineConfig, type PublicUpload } from '../../client/index.js';
import { describeError } from './describeError.js';
import { clearSession, readSession, type Session, saveSession, tokenSubject } from './session.js';
import { UploadCard } from './uploadCard.js';

const POLL_MS = 2000;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const notice = byId<HTMLParagraphElement>('notice');
const list = byId<HTMLUListElement>('uploads');
const live = byId<HTMLElement>('live');
const cards = new Map<string, UploadCard>();

function say(message: string | undefined): void {
  notice.hidden = message === undefined;
  notice.textContent = message ?? '';
}

/** `config.json` beside the page: `{ apiUrl }` when the page is deployed apart from the API; none locally. */
async function pageConfig(): Promise<{ apiUrl?: string }> {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    return response.ok ? ((await response.json()) as { apiUrl?: string }) : {};
  } catch {
    return {};
  }
}

function showSignIn(apiUrl: string, message?: string): void {
  const form = byId<HTMLFormElement>('sign-in');
  (form.elements.namedItem('apiUrl') as HTMLInputElement).value = apiUrl;
  form.hidden = false;
  byId('app').hidden = true;
  say(message);
  form.onsubmit = (event) => {
    event.preventDefault();
    const data = new FormData(form);
    saveSession({ apiUrl: String(data.get('apiUrl')).trim().replace(/\/+$/, ''), token: String(data.get('token')).trim() });
    location.reload();
  };
}

function cardFor(record: PublicUpload, client: MediaPipelineClient): UploadCard {
  let card = cards.get(record.uploadId);
  if (card) {
    card.show(record);
    return card;
  }
  card = new UploadCard(record, {
    cancel: (uploadId) => void act(() => client.deleteUpload(uploadId), uploadId),
    remove: (uploadId) => void act(() => client.deleteUpload(uploadId), uploadId),
  });
  cards.set(record.uploadId, card);
  // Newest first, like the list the API answers.
  list.prepend(card.root);
  return card;
}

/** Cancel (an unfinished upload answers its cancelled record) or delete (a finished one answers nothing and goes). */
async function act(call: () => Promise<PublicUpload | undefined>, uploadId: string): Promise<void> {
  try {
    const record = await call();
    if (record) cards.get(uploadId)?.show(record);
    else {
      cards.get(uploadId)?.root.remove();
      cards.delete(uploadId);
    }
    say(undefined);
  } catch (error) {
    say(describeError(error));
  }
}

async function refresh(client: MediaPipelineClient): Promise<void> {
  const { items } = await client.listUploads({ limit: 50 });
  for (const record of [...items].reverse()) cardFor(record, client);
}

/** Every write of every upload of mine, as it happens; polling `GET /uploads` while the socket cannot be had. */
async function follow(client: MediaPipelineClient, config: PipelineConfig): Promise<void> {
  if (config.webSocketUrl) {
    try {
      live.textContent = 'live';
      for await (const event of client.watch()) {
        const card = cards.get(event.uploadId) ?? cardFor(await client.getUpload(event.uploadId), client);
        card.event(event);
        if (card.needsMedia()) card.show(await client.getUpload(event.uploadId));
      }
    } catch (error) {
      say(`Live progress stopped (${describeError(error)}); checking every few seconds instead.`);
    }
  }
  live.textContent = 'polling';
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    await refresh(client).catch((error: unknown) => say(describeError(error)));
  }
}

function startPicker(session: Session, config: PipelineConfig, client: MediaPipelineClient): void {
  const uppy = new Uppy({
    autoProceed: true,
    restrictions: { maxFileSize: config.maxFileSize, allowedFileTypes: Object.values(config.acceptedTypes).flat() },
  });
  uppy.use(Dashboard, {
    inline: true,
    target: '#picker',
    width: '100%',
    height: 320,
    proudlyDisplayPoweredByUppy: false,
    note: 'Video, audio or images; the page follows each one until it plays.',
  });
  uppy.use(AwsS3, { endpoint: session.apiUrl, headers: { authorization: `Bearer ${session.token}` }, shouldUseMultipart: true });
  // Strict size mode (docs/uppy.md): the file's size in its meta, so part URLs sign exact lengths.
  uppy.on('file-added', (file) => uppy.setFileMeta(file.id, { size: String(file.size) }));
  uppy.on('upload-progress', (file, progress) => {
    const uploadId = (uppy.getFile(file?.id ?? '') as { s3Multipart?: { uploadId?: string } } | undefined)?.s3Multipart?.uploadId;
    const card = uploadId ? cards.get(uploadId) : undefined;
    if (card && progress.bytesTotal) card.bytes(progress.bytesUploaded, progress.bytesTotal);
    else if (uploadId && !card) client.getUpload(uploadId).then((record) => cardFor(record, client), () => undefined);
  });
  uppy.on('upload-error', (file, error) => say(`${file?.name ?? 'A file'}: ${error.message}`));
}

async function start(session: Session): Promise<void> {
  const client = createClient({ apiUrl: session.apiUrl, token: session.token });
  let config: PipelineConfig;
  try {
    config = await client.getConfig();
  } catch (error) {
    showSignIn(session.apiUrl, describeError(error));
    return;
  }
  const who = byId('who');
  who.textContent = `Signed in as ${tokenSubject(session.token) ?? 'an unnamed user'} · ${session.apiUrl}`;
  who.hidden = false;
  const signOut = byId<HTMLButtonElement>('sign-out');
  signOut.hidden = false;
  signOut.onclick = () => {
    clearSession();
    location.reload();
  };
  byId('app').hidden = false;
  startPicker(session, config, client);
  await refresh(client).catch((error: unknown) => say(describeError(error)));
  await follow(client, config);
}

const config = await pageConfig();
const session = readSession(location, config.apiUrl);
if (session) void start(session);
else showSignIn(config.apiUrl ?? location.origin);
