/**
 * A local recording of the call, in the recorder's own browser: what they see, composited on a
 * canvas with everyone's name, and every voice mixed with Web Audio, into a WebM by
 * MediaRecorder. Nothing leaves the browser; the session (call-session.ts) makes sure everyone
 * was told before `start()`.
 */

export interface RecordingSource {
  /** Stable per tile (a peer id, `self`, `screen:<peer id>`). */
  key: string;
  name: string;
  stream: MediaStream | undefined;
  /** Their camera (or screen) is on: otherwise a name card is drawn. */
  video: boolean;
}

export interface RecorderOptions {
  width?: number;
  height?: number;
  fps?: number;
  /** How often a chunk of the file is written. */
  timesliceMs?: number;
  /** The file's name. */
  fileName?: string;
}

const BACKGROUND = '#11141b';
const TILE = '#1b1f2a';
const GAP = 8;

/** The MediaRecorder type this browser can write: WebM with VP8 and Opus where it can. */
function mimeType(): string {
  const wanted = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm'];
  return wanted.find((type) => MediaRecorder.isTypeSupported(type)) ?? '';
}

/** Columns and rows for `n` tiles in a `width`×`height` frame, tiles near 16:9. */
export function recordingGrid(n: number, width: number, height: number): { columns: number; rows: number } {
  let best = { columns: 1, rows: Math.max(n, 1), score: 0 };
  for (let columns = 1; columns <= Math.max(n, 1); columns++) {
    const rows = Math.ceil(Math.max(n, 1) / columns);
    const w = width / columns;
    const h = height / rows;
    // The area of a 16:9 tile that fits the cell.
    const tile = Math.min(w, (h * 16) / 9) * Math.min(h, (w * 9) / 16);
    if (tile > best.score) best = { columns, rows, score: tile };
  }
  return { columns: best.columns, rows: best.rows };
}

export class CallRecorder {
  readonly mimeType = mimeType();
  #sources: () => RecordingSource[];
  #options: Required<RecorderOptions>;
  #canvas = document.createElement('canvas');
  #context: CanvasRenderingContext2D;
  #videos = new Map<string, HTMLVideoElement>();
  #audio = new AudioContext();
  #mix = this.#audio.createMediaStreamDestination();
  #voices = new Map<string, MediaStreamAudioSourceNode>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #recorder: MediaRecorder;
  #running = false;
  #drawnAt = 0;
  /** Where the audio clock's silent sources go (gain 0, into the mix). */
  #silence = this.#audio.createGain();
  #chunks: Blob[] = [];
  #stopped: Promise<File> | undefined;

  /** Builds everything, the MediaRecorder included (it throws here, before anyone is told, where the browser cannot record). */
  constructor(sources: () => RecordingSource[], options: RecorderOptions = {}) {
    this.#sources = sources;
    this.#options = {
      width: options.width ?? 1280,
      height: options.height ?? 720,
      fps: options.fps ?? 20,
      timesliceMs: options.timesliceMs ?? 1000,
      fileName: options.fileName ?? 'callroom-recording.webm',
    };
    this.#canvas.width = this.#options.width;
    this.#canvas.height = this.#options.height;
    this.#context = this.#canvas.getContext('2d')!;
    const video = this.#canvas.captureStream(this.#options.fps).getVideoTracks();
    const stream = new MediaStream([...video, ...this.#mix.stream.getAudioTracks()]);
    this.#recorder = new MediaRecorder(stream, {
      mimeType: this.mimeType || undefined,
      videoBitsPerSecond: 2_500_000,
      audioBitsPerSecond: 128_000,
    });
    this.#recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size) this.#chunks.push(event.data);
    });
  }

  get recording(): boolean {
    return this.#recorder?.state === 'recording';
  }

  /**
   * Starts drawing and mixing, and the MediaRecorder. The frames are paced by the audio clock
   * (a silent source that ends every frame), which a background tab does not slow down as it
   * does timers; a timer draws too, but only when the audio clock has not (a context the
   * browser keeps suspended).
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#audio.resume();
    this.#silence.gain.value = 0;
    this.#silence.connect(this.#mix);
    this.#tick();
    const frame = 1000 / this.#options.fps;
    this.#timer = setInterval(() => {
      if (performance.now() - this.#drawnAt > 2 * frame) this.#draw();
    }, frame);
    this.#recorder.start(this.#options.timesliceMs);
  }

  #tick = () => {
    if (!this.#running) return;
    this.#draw();
    const source = this.#audio.createConstantSource();
    source.connect(this.#silence);
    source.onended = () => {
      source.disconnect();
      this.#tick();
    };
    source.start();
    source.stop(this.#audio.currentTime + 1 / this.#options.fps);
  };

  /** Stops; resolves with the WebM file. Everything the recording held is let go. */
  stop(): Promise<File> {
    this.#stopped ??= new Promise<File>((resolve) => {
      const recorder = this.#recorder;
      const finish = () => {
        this.#release();
        // What the browser actually wrote (Safari writes MP4).
        const type = (recorder.mimeType || this.mimeType || 'video/webm').split(';')[0]!;
        const name = type === 'video/mp4' ? this.#options.fileName.replace(/\.webm$/, '.mp4') : this.#options.fileName;
        resolve(new File(this.#chunks, name, { type }));
        this.#chunks = [];
      };
      if (recorder.state === 'inactive') return finish();
      recorder.addEventListener('stop', finish, { once: true });
      recorder.stop();
    });
    return this.#stopped;
  }

  #release() {
    this.#running = false;
    clearInterval(this.#timer);
    this.#recorder.stream.getTracks().forEach((t) => t.stop());
    for (const video of this.#videos.values()) video.srcObject = null;
    this.#videos.clear();
    for (const voice of this.#voices.values()) voice.disconnect();
    this.#voices.clear();
    void this.#audio.close();
  }

  /** Every voice into the mix: new tracks joined, gone ones dropped. */
  #syncVoices(sources: RecordingSource[]) {
    const live = new Set<string>();
    for (const { stream } of sources) {
      for (const track of stream?.getAudioTracks() ?? []) {
        if (track.readyState !== 'live') continue;
        live.add(track.id);
        if (this.#voices.has(track.id)) continue;
        const node = this.#audio.createMediaStreamSource(new MediaStream([track]));
        node.connect(this.#mix);
        this.#voices.set(track.id, node);
      }
    }
    for (const [id, node] of this.#voices) {
      if (live.has(id)) continue;
      node.disconnect();
      this.#voices.delete(id);
    }
  }

  #videoOf(source: RecordingSource): HTMLVideoElement | undefined {
    if (!source.stream || !source.video) return undefined;
    let video = this.#videos.get(source.key);
    if (!video) {
      video = document.createElement('video');
      video.muted = true;
      video.playsInline = true;
      this.#videos.set(source.key, video);
    }
    if (video.srcObject !== source.stream) {
      video.srcObject = source.stream;
      void video.play().catch(() => {});
    }
    return video;
  }

  #draw() {
    this.#drawnAt = performance.now();
    const sources = this.#sources();
    this.#syncVoices(sources);
    const { width, height } = this.#options;
    const g = this.#context;
    g.fillStyle = BACKGROUND;
    g.fillRect(0, 0, width, height);
    const { columns, rows } = recordingGrid(sources.length, width, height);
    const w = (width - GAP * (columns + 1)) / columns;
    const h = (height - GAP * (rows + 1)) / rows;
    sources.forEach((source, i) => {
      const x = GAP + (i % columns) * (w + GAP);
      const y = GAP + Math.floor(i / columns) * (h + GAP);
      g.fillStyle = TILE;
      g.fillRect(x, y, w, h);
      const video = this.#videoOf(source);
      if (video && video.readyState >= 2 && video.videoWidth) {
        // Cover the tile, cropping the middle.
        const scale = Math.max(w / video.videoWidth, h / video.videoHeight);
        const sw = w / scale;
        const sh = h / scale;
        g.drawImage(video, (video.videoWidth - sw) / 2, (video.videoHeight - sh) / 2, sw, sh, x, y, w, h);
      } else {
        g.fillStyle = '#3a4257';
        g.beginPath();
        g.arc(x + w / 2, y + h / 2, Math.min(w, h) / 6, 0, Math.PI * 2);
        g.fill();
        g.fillStyle = '#fff';
        g.font = `600 ${Math.round(Math.min(w, h) / 7)}px system-ui, sans-serif`;
        g.textAlign = 'center';
        g.textBaseline = 'middle';
        g.fillText([...source.name][0]?.toUpperCase() ?? '?', x + w / 2, y + h / 2);
      }
      // The name, bottom left, on a dark pill.
      g.font = '600 20px system-ui, sans-serif';
      g.textAlign = 'left';
      g.textBaseline = 'middle';
      const label = source.name;
      const pill = Math.min(g.measureText(label).width + 24, w - 16);
      g.fillStyle = 'rgb(0 0 0 / 60%)';
      g.fillRect(x + 8, y + h - 40, pill, 32);
      g.fillStyle = '#fff';
      g.fillText(label, x + 20, y + h - 24, pill - 24);
    });
  }
}
