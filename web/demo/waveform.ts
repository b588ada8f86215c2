/** The peaks processing writes for audio (`waveform.json`): 0 to 1, evenly over the duration. */
interface Waveform {
  readonly peaks: readonly number[];
}

/**
 * Draws the waveform into the canvas, one bar per column, and the part already played in the
 * accent colour; redraws as the audio plays. Marks the canvas `data-drawn` once it holds bars.
 */
export async function drawWaveform(canvas: HTMLCanvasElement, waveformUrl: string, audio: HTMLMediaElement): Promise<void> {
  const response = await fetch(waveformUrl);
  if (!response.ok) throw new Error(`The waveform could not be loaded (HTTP ${response.status})`);
  const { peaks } = (await response.json()) as Waveform;
  const draw = () => {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    if (!context || peaks.length === 0) return;
    context.clearRect(0, 0, width, height);
    const played = audio.duration > 0 ? audio.currentTime / audio.duration : 0;
    for (let column = 0; column < width; column += 2) {
      const peak = peaks[Math.min(peaks.length - 1, Math.floor((column / width) * peaks.length))] ?? 0;
      const bar = Math.max(1, peak * height);
      context.fillStyle = column / width < played ? '#e4572e' : '#8a94a6';
      context.fillRect(column, (height - bar) / 2, 1, bar);
    }
    canvas.dataset.drawn = 'true';
  };
  draw();
  audio.addEventListener('timeupdate', draw);
  new ResizeObserver(draw).observe(canvas);
  canvas.addEventListener('click', (event) => {
    if (audio.duration > 0) audio.currentTime = (event.offsetX / canvas.clientWidth) * audio.duration;
  });
}
