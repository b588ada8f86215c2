import Hls from 'hls.js';
import type { MediaInfo } from '../../client/index.js';
import { cueAt, parseThumbnailCues, type ThumbnailCue } from './thumbnailCues.js';
import { drawWaveform } from './waveform.js';

/** Builds an element with a class and optional text. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Plays an HLS master playlist in the element: with hls.js where Media Source Extensions exist,
 * natively otherwise (Safari on iOS). A fatal hls.js error is shown in words and kept on the
 * element as `data-hls-error`. Calls `onLevels` with the renditions once the playlist is read.
 */
function playHls(media: HTMLMediaElement, url: string, note: HTMLElement, onLevels: (hls: Hls) => void): void {
  if (Hls.isSupported()) {
    const hls = new Hls();
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      media.dataset.hlsError = `${data.type}: ${data.details}`;
      note.textContent = `Playback failed (${data.details}).`;
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => onLevels(hls));
    hls.loadSource(url);
    hls.attachMedia(media);
  } else if (media.canPlayType('application/vnd.apple.mpegurl')) {
    media.src = url;
  } else {
    note.textContent = 'This browser cannot play HLS.';
  }
}

function describeBandwidth(bitsPerSecond: number): string {
  return bitsPerSecond >= 1_000_000 ? `${(bitsPerSecond / 1_000_000).toFixed(1)} Mbps` : `${Math.round(bitsPerSecond / 1000)} kbps`;
}

/** The quality levels, each a button that pins it, and Auto. */
function levelList(hls: Hls): HTMLElement {
  const list = element('ul', 'levels');
  const choose = (level: number) => {
    hls.currentLevel = level;
    for (const item of list.querySelectorAll('button')) item.classList.toggle('chosen', Number(item.dataset.level) === level);
  };
  const entries = [{ level: -1, label: 'Auto' }, ...hls.levels.map((level, index) => ({ level: index, label: `${level.height}p · ${describeBandwidth(level.bitrate)}` }))];
  for (const { level, label } of entries) {
    const item = element('li');
    const button = element('button', level === -1 ? 'chosen' : undefined, label);
    button.type = 'button';
    button.dataset.level = String(level);
    button.addEventListener('click', () => choose(level));
    item.append(button);
    list.append(item);
  }
  return list;
}

/**
 * A scrub bar under the video: hovering shows the thumbnail of that moment (from the WebVTT
 * sprite track), clicking seeks there.
 */
async function scrubBar(video: HTMLVideoElement, vttUrl: string, durationSeconds: number): Promise<HTMLElement> {
  const response = await fetch(vttUrl);
  const cues: ThumbnailCue[] = response.ok ? parseThumbnailCues(await response.text(), vttUrl) : [];
  const bar = element('div', 'scrub');
  const preview = element('div', 'thumbnail');
  preview.hidden = true;
  bar.append(preview);
  const timeAt = (event: MouseEvent) => (Math.min(Math.max(event.offsetX, 0), bar.clientWidth) / bar.clientWidth) * (video.duration || durationSeconds);
  bar.addEventListener('mousemove', (event) => {
    const cue = cueAt(cues, timeAt(event));
    if (!cue) return;
    preview.hidden = false;
    preview.style.width = `${cue.width}px`;
    preview.style.height = `${cue.height}px`;
    preview.style.backgroundImage = `url("${cue.url}")`;
    preview.style.backgroundPosition = `-${cue.x}px -${cue.y}px`;
    preview.style.left = `${Math.min(Math.max(event.offsetX - cue.width / 2, 0), Math.max(0, bar.clientWidth - cue.width))}px`;
    preview.dataset.cue = `${cue.start}`;
  });
  bar.addEventListener('mouseleave', () => {
    preview.hidden = true;
  });
  bar.addEventListener('click', (event) => {
    video.currentTime = timeAt(event);
  });
  video.addEventListener('timeupdate', () => {
    bar.style.setProperty('--played', `${(video.currentTime / (video.duration || durationSeconds)) * 100}%`);
  });
  return bar;
}

/** What a ready upload shows: the video with its levels and thumbnails, the audio with its waveform, or the image variants. */
export function renderMedia(container: HTMLElement, media: MediaInfo, filename: string): void {
  container.replaceChildren();
  const note = element('p', 'media-note');
  if (media.kind === 'video' && media.hlsUrl) {
    const video = element('video', 'player');
    video.controls = true;
    video.playsInline = true;
    video.muted = true;
    if (media.posterUrl) video.poster = media.posterUrl;
    container.append(video, note);
    playHls(video, media.hlsUrl, note, (hls) => container.append(levelList(hls)));
    if (media.thumbnails) {
      scrubBar(video, media.thumbnails.vttUrl, media.durationSeconds ?? 0)
        .then((bar) => video.after(bar))
        .catch(() => undefined);
    }
  } else if (media.kind === 'audio' && media.hlsUrl) {
    const audio = element('audio', 'player');
    audio.controls = true;
    const canvas = element('canvas', 'waveform');
    canvas.setAttribute('aria-label', `Waveform of ${filename}`);
    container.append(canvas, audio, note);
    playHls(audio, media.hlsUrl, note, () => undefined);
    if (media.waveformUrl) {
      drawWaveform(canvas, media.waveformUrl, audio).catch((error: Error) => {
        note.textContent = error.message;
      });
    }
  } else if (media.kind === 'image' && media.images) {
    const gallery = element('div', 'variants');
    for (const image of media.images) {
      const figure = element('figure');
      const img = element('img', 'variant');
      img.src = image.url;
      img.alt = `${filename}, ${image.width}×${image.height}`;
      figure.append(img, element('figcaption', undefined, `${image.width}×${image.height}`));
      gallery.append(figure);
    }
    container.append(gallery);
  }
}
