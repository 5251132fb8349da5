/**
 * The local camera and microphone, and the one owner of whether they are on: everything else
 * (the session, the room's tiles, the controls) reads `state` or listens. Turning the camera off
 * stops its track, so the camera light goes off; turning it on asks for a new one. `stop()` ends
 * every track (hang-up).
 */
import type { MediaState } from '../../protocol/contract.js';
import { Emitter } from './emitter.js';

export interface LocalMediaState {
  stream: MediaStream | undefined;
  audioEnabled: boolean;
  videoEnabled: boolean;
  /** A message a person can act on, when a device could not be opened. */
  problem: string | undefined;
  starting: boolean;
}

export const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 360 },
  frameRate: { ideal: 24, max: 30 },
};

export function describeMediaError(error: unknown, kinds: string): string {
  const name = (error as { name?: string } | undefined)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Your ${kinds} is blocked for this site: allow it in the address bar, then turn it on again. You can still join to watch and listen.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${kinds} was found. You can still join to watch and listen.`;
    case 'NotReadableError':
    case 'AbortError':
      return `Your ${kinds} is in use by another app or could not start: close that app and turn it on again.`;
    default:
      if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
        return 'This page cannot use a camera or microphone here (it needs https or localhost). You can still join to watch and listen.';
      }
      return `Your ${kinds} could not start. You can still join to watch and listen.`;
  }
}

export interface LocalMediaEvents extends Record<string, unknown[]> {
  change: [LocalMediaState];
  /** What others see changed: the microphone or the camera went on or off. */
  toggled: [MediaState];
}

export class LocalMedia extends Emitter<LocalMediaEvents> {
  #audioTrack: MediaStreamTrack | undefined;
  #videoTrack: MediaStreamTrack | undefined;
  #audioEnabled: boolean;
  #videoEnabled: boolean;
  #problem: string | undefined;
  #starting = 0;
  #stream: MediaStream | undefined;
  #stopped = false;
  /** What the last `toggled` said (or the start), so only real changes are told. */
  #shown: MediaState;

  constructor(options: { audio?: boolean; video?: boolean } = {}) {
    super();
    this.#audioEnabled = options.audio ?? true;
    this.#videoEnabled = options.video ?? true;
    this.#shown = this.mediaState;
  }

  get state(): LocalMediaState {
    const { audio, video } = this.mediaState;
    return {
      stream: this.#stream,
      audioEnabled: audio,
      videoEnabled: video,
      problem: this.#problem,
      starting: this.#starting > 0,
    };
  }

  /** The person's wishes, whether or not a device is open (a fresh LocalMedia keeps them). */
  get wanted(): { audio: boolean; video: boolean } {
    return { audio: this.#audioEnabled, video: this.#videoEnabled };
  }

  /** Microphone and camera as others see them: on only with a live device. */
  get mediaState(): MediaState {
    return { audio: this.#audioEnabled && !!this.#audioTrack, video: this.#videoEnabled && !!this.#videoTrack };
  }

  get audioTrack() {
    return this.#audioTrack;
  }

  /** The camera track, only while the camera is on. */
  get videoTrack() {
    return this.#videoEnabled ? this.#videoTrack : undefined;
  }

  /** Opens the devices the person wants; falls back to whichever one works. */
  async start(): Promise<void> {
    this.#stopped = false;
    const wantAudio = this.#audioEnabled && !this.#audioTrack;
    const wantVideo = this.#videoEnabled && !this.#videoTrack;
    if (!wantAudio && !wantVideo) return;
    this.#track(+1);
    try {
      const stream = await this.#open(wantAudio, wantVideo);
      if (stream) this.#adopt(stream);
    } finally {
      this.#track(-1);
    }
  }

  async setAudioEnabled(enabled: boolean): Promise<void> {
    this.#audioEnabled = enabled;
    if (this.#audioTrack) this.#audioTrack.enabled = enabled;
    if (enabled && !this.#audioTrack) await this.start();
    this.#changed();
  }

  async setVideoEnabled(enabled: boolean): Promise<void> {
    this.#videoEnabled = enabled;
    if (!enabled && this.#videoTrack) {
      // Stop rather than disable: the camera light must go off.
      this.#videoTrack.stop();
      this.#videoTrack = undefined;
      this.#rebuildStream();
    }
    if (enabled) await this.start();
    this.#changed();
  }

  /** Ends every track. Safe to call more than once. */
  stop(): void {
    this.#stopped = true;
    this.#audioTrack?.stop();
    this.#videoTrack?.stop();
    this.#audioTrack = undefined;
    this.#videoTrack = undefined;
    this.#rebuildStream();
    this.#changed();
  }

  async #open(audio: boolean, video: boolean): Promise<MediaStream | undefined> {
    const media = globalThis.navigator?.mediaDevices;
    const kinds = audio && video ? 'camera and microphone' : audio ? 'microphone' : 'camera';
    if (!media?.getUserMedia) {
      this.#problem = describeMediaError(undefined, kinds);
      return undefined;
    }
    try {
      const stream = await media.getUserMedia({ audio, video: video ? VIDEO_CONSTRAINTS : false });
      this.#problem = undefined;
      return stream;
    } catch (error) {
      if (audio && video) {
        // One device may work without the other: try each alone.
        const [mic, cam] = await Promise.all([this.#open(true, false), this.#open(false, true)]);
        if (mic || cam) {
          const missing = mic ? 'camera' : 'microphone';
          this.#problem = describeMediaError(error, missing);
          return new MediaStream([...(mic?.getTracks() ?? []), ...(cam?.getTracks() ?? [])]);
        }
      }
      this.#problem = describeMediaError(error, kinds);
      return undefined;
    }
  }

  #adopt(stream: MediaStream) {
    if (this.#stopped) {
      // Hung up while the camera was starting: release what just arrived.
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    for (const track of stream.getTracks()) {
      if (track.kind === 'audio' && !this.#audioTrack && this.#audioEnabled) {
        this.#audioTrack = track;
      } else if (track.kind === 'video' && !this.#videoTrack && this.#videoEnabled) {
        this.#videoTrack = track;
      } else {
        track.stop();
      }
    }
    this.#rebuildStream();
  }

  #rebuildStream() {
    const tracks = [this.#audioTrack, this.#videoTrack].filter((t): t is MediaStreamTrack => !!t);
    this.#stream = tracks.length ? new MediaStream(tracks) : undefined;
  }

  #track(delta: number) {
    this.#starting += delta;
    this.#changed();
  }

  #changed() {
    this.emit('change', this.state);
    const media = this.mediaState;
    if (media.audio === this.#shown.audio && media.video === this.#shown.video) return;
    this.#shown = media;
    this.emit('toggled', media);
  }
}
