/**
 * The local camera and microphone, and the one owner of whether they are on: everything else
 * (the session, the room's tiles, the controls) reads `state` or listens. Turning the camera off
 * stops its track, so the camera light goes off; turning it on asks for a new one. `stop()` ends
 * every track (hang-up).
 *
 * It also owns which devices: the camera, microphone and speaker chosen (remembered on this
 * device), a switch that opens the new device before stopping the old one (the call swaps the
 * track with replaceTrack, no renegotiation), and the fall-back to the system default when the
 * device in use goes away ("Your headset was disconnected; using …").
 */
import { msg, str } from '@lit/localize';
import type { MediaState } from '../../protocol/contract.js';
import { Emitter } from './emitter.js';

export interface LocalMediaState {
  stream: MediaStream | undefined;
  audioEnabled: boolean;
  videoEnabled: boolean;
  /** A message a person can act on, when a device could not be opened. */
  problem: string | undefined;
  /** The same as a code, for pages that embed the call (web/api). */
  problemCode?: MediaProblem;
  starting: boolean;
  /** The devices this page may name (labels only once a permission was granted). */
  devices: DeviceOption[];
  /** What is chosen (device ids; undefined: the system default). */
  choice: DeviceChoice;
  /** Something changed without the person asking (a device went away): say it once. */
  notice: string | undefined;
}

export type DeviceKind = 'camera' | 'microphone' | 'speaker';

/** Why a device could not be opened. */
export type MediaProblem = 'permission-denied' | 'no-device' | 'device-busy';

export function mediaProblem(error: unknown): MediaProblem {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError' || !globalThis.navigator?.mediaDevices?.getUserMedia)
    return 'permission-denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no-device';
  return 'device-busy';
}

export interface DeviceOption {
  kind: DeviceKind;
  deviceId: string;
  label: string;
}

export type DeviceChoice = Partial<Record<DeviceKind, string>>;

const CHOICE_KEY = 'callroom:devices';
const KIND_OF: Record<string, DeviceKind> = { videoinput: 'camera', audioinput: 'microphone', audiooutput: 'speaker' };

function savedChoice(): DeviceChoice {
  try {
    const raw = JSON.parse(localStorage.getItem(CHOICE_KEY) ?? '{}') as Record<string, unknown>;
    const choice: DeviceChoice = {};
    for (const kind of ['camera', 'microphone', 'speaker'] as const) if (typeof raw[kind] === 'string') choice[kind] = raw[kind];
    return choice;
  } catch {
    return {};
  }
}

function saveChoice(choice: DeviceChoice): void {
  try {
    localStorage.setItem(CHOICE_KEY, JSON.stringify(choice));
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

export const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 360 },
  frameRate: { ideal: 24, max: 30 },
};

/** Which devices a message is about. */
export type MediaKinds = 'camera' | 'microphone' | 'camera and microphone';

/** The one of three whole sentences that is about `kinds` (translations differ by more than a word). */
function forKinds(kinds: MediaKinds, texts: { camera: () => string; microphone: () => string; both: () => string }): string {
  return kinds === 'camera' ? texts.camera() : kinds === 'microphone' ? texts.microphone() : texts.both();
}

export function describeMediaError(error: unknown, kinds: MediaKinds): string {
  const name = (error as { name?: string } | undefined)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return forKinds(kinds, {
        camera: () =>
          msg(
            'Your camera is blocked for this site: allow it in the address bar, then turn it on again. You can still join to watch and listen.',
          ),
        microphone: () =>
          msg(
            'Your microphone is blocked for this site: allow it in the address bar, then turn it on again. You can still join to watch and listen.',
          ),
        both: () =>
          msg(
            'Your camera and microphone is blocked for this site: allow it in the address bar, then turn it on again. You can still join to watch and listen.',
          ),
      });
    case 'NotFoundError':
    case 'OverconstrainedError':
      return forKinds(kinds, {
        camera: () => msg('No camera was found. You can still join to watch and listen.'),
        microphone: () => msg('No microphone was found. You can still join to watch and listen.'),
        both: () => msg('No camera and microphone was found. You can still join to watch and listen.'),
      });
    case 'NotReadableError':
    case 'AbortError':
      return forKinds(kinds, {
        camera: () => msg('Your camera is in use by another app or could not start: close that app and turn it on again.'),
        microphone: () => msg('Your microphone is in use by another app or could not start: close that app and turn it on again.'),
        both: () => msg('Your camera and microphone is in use by another app or could not start: close that app and turn it on again.'),
      });
    default:
      if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
        return msg(
          'This page cannot use a camera or microphone here (it needs https or localhost). You can still join to watch and listen.',
        );
      }
      return forKinds(kinds, {
        camera: () => msg('Your camera could not start. You can still join to watch and listen.'),
        microphone: () => msg('Your microphone could not start. You can still join to watch and listen.'),
        both: () => msg('Your camera and microphone could not start. You can still join to watch and listen.'),
      });
  }
}

/** A device's name when the browser gives none: "camera 1", "microphone 2", "speaker 3". */
function unnamedDevice(kind: DeviceKind, n: number): string {
  switch (kind) {
    case 'camera':
      return msg(str`camera ${n}`, { desc: 'Device settings: a camera the browser gives no name, numbered' });
    case 'microphone':
      return msg(str`microphone ${n}`, { desc: 'Device settings: a microphone the browser gives no name, numbered' });
    case 'speaker':
      return msg(str`speaker ${n}`, { desc: 'Device settings: a speaker the browser gives no name, numbered' });
  }
}

/**
 * The notice when the device in use went away: "Your headset was disconnected; using …".
 * `lost` and `now` are the devices' names ('' when the browser gave none); `now` is undefined
 * when nothing replaced it.
 */
function describeDeviceLoss(kind: 'camera' | 'microphone', lost: string, now: string | undefined): string {
  const camera = kind === 'camera';
  if (now === undefined) {
    if (lost)
      return msg(str`Your ${lost} was disconnected`, { desc: 'A camera or microphone, by the name the system gives it, was unplugged' });
    return camera ? msg('Your camera was disconnected') : msg('Your microphone was disconnected');
  }
  if (lost && now)
    return msg(str`Your ${lost} was disconnected; using ${now}`, {
      desc: 'A camera or microphone was unplugged; the call uses another one now. Both by the names the system gives them.',
    });
  if (lost)
    return camera
      ? msg(str`Your ${lost} was disconnected; using the default camera`, {
          desc: 'A camera, by the name the system gives it, was unplugged',
        })
      : msg(str`Your ${lost} was disconnected; using the default microphone`, {
          desc: 'A microphone, by the name the system gives it, was unplugged',
        });
  if (now)
    return camera
      ? msg(str`Your camera was disconnected; using ${now}`, { desc: 'The call uses another camera now, by the name the system gives it' })
      : msg(str`Your microphone was disconnected; using ${now}`, {
          desc: 'The call uses another microphone now, by the name the system gives it',
        });
  return camera
    ? msg('Your camera was disconnected; using the default camera')
    : msg('Your microphone was disconnected; using the default microphone');
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
  #problemCode: MediaProblem | undefined;
  #starting = 0;
  #stream: MediaStream | undefined;
  #stopped = false;
  /** What the last `toggled` said (or the start), so only real changes are told. */
  #shown: MediaState;
  #devices: DeviceOption[] = [];
  #choice: DeviceChoice = savedChoice();
  /** The device in use that went away, and what replaced it: worded when read, in the UI's language then. */
  #loss: { kind: 'camera' | 'microphone'; lost: string; now: string | undefined } | undefined;
  #watchingDevices = false;

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
      problemCode: this.#problemCode,
      starting: this.#starting > 0,
      devices: this.#devices,
      choice: this.#choice,
      notice: this.#loss && describeDeviceLoss(this.#loss.kind, this.#loss.lost, this.#loss.now),
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

  /** Sets what the person wants on, without opening anything yet (`start` opens it). */
  want(wanted: { audio: boolean; video: boolean }): void {
    this.#audioEnabled = wanted.audio;
    this.#videoEnabled = wanted.video;
    this.#shown = this.mediaState;
    this.#changed();
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

  /**
   * Uses another device. A camera or microphone opens first and the old one stops after (its
   * light goes off); the call sends the new track on every connection. Remembered here.
   */
  async selectDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    this.#choice = { ...this.#choice, [kind]: deviceId || undefined };
    saveChoice(this.#choice);
    this.#loss = undefined;
    if (kind === 'camera' && this.#videoTrack) await this.#switch('video', true);
    else if (kind === 'microphone' && this.#audioTrack) await this.#switch('audio', true);
    this.#changed();
  }

  /** Ends every track. Safe to call more than once. */
  stop(): void {
    this.#stopped = true;
    if (this.#watchingDevices) {
      navigator.mediaDevices.removeEventListener('devicechange', this.#onDeviceChange);
      this.#watchingDevices = false;
    }
    this.#audioTrack?.stop();
    this.#videoTrack?.stop();
    this.#audioTrack = undefined;
    this.#videoTrack = undefined;
    this.#rebuildStream();
    this.#changed();
  }

  #fail(error: unknown, kinds: MediaKinds) {
    this.#problem = describeMediaError(error, kinds);
    this.#problemCode = mediaProblem(error);
  }

  async #open(audio: boolean, video: boolean): Promise<MediaStream | undefined> {
    const media = globalThis.navigator?.mediaDevices;
    const kinds: MediaKinds = audio && video ? 'camera and microphone' : audio ? 'microphone' : 'camera';
    if (!media?.getUserMedia) {
      this.#fail(undefined, kinds);
      return undefined;
    }
    try {
      const stream = await this.#getUserMedia(audio, video);
      this.#problem = undefined;
      this.#problemCode = undefined;
      return stream;
    } catch (error) {
      if (audio && video) {
        // One device may work without the other: try each alone.
        const [mic, cam] = await Promise.all([this.#open(true, false), this.#open(false, true)]);
        if (mic || cam) {
          const missing = mic ? 'camera' : 'microphone';
          this.#fail(error, missing);
          return new MediaStream([...(mic?.getTracks() ?? []), ...(cam?.getTracks() ?? [])]);
        }
      }
      this.#fail(error, kinds);
      return undefined;
    }
  }

  /** The remembered devices; if one of them is gone (unplugged since), the system default. */
  #getUserMedia(audio: boolean, video: boolean): Promise<MediaStream> {
    const ask = (exact: boolean) =>
      navigator.mediaDevices.getUserMedia({
        audio: audio ? this.#constraints('microphone', {}, exact) : false,
        video: video ? this.#constraints('camera', VIDEO_CONSTRAINTS, exact) : false,
      });
    const remembered = (audio && this.#choice.microphone) || (video && this.#choice.camera);
    if (!remembered) return ask(false);
    return ask(true).catch((error: unknown) => {
      const name = (error as { name?: string }).name;
      if (name !== 'OverconstrainedError' && name !== 'NotFoundError') throw error;
      this.#choice = { ...this.#choice, ...(audio ? { microphone: undefined } : {}), ...(video ? { camera: undefined } : {}) };
      return ask(false);
    });
  }

  /** The remembered device, `exact` or as a preference. */
  #constraints(kind: 'camera' | 'microphone', base: MediaTrackConstraints, exact = false): MediaTrackConstraints {
    const id = this.#choice[kind];
    return id ? { ...base, deviceId: exact ? { exact: id } : { ideal: id } } : base;
  }

  /** Opens `kind` again on the chosen device (or the default), then stops the old track. */
  async #switch(kind: 'audio' | 'video', exact: boolean): Promise<void> {
    const media = globalThis.navigator?.mediaDevices;
    if (!media?.getUserMedia) return;
    this.#track(+1);
    try {
      const constraints =
        kind === 'audio'
          ? { audio: this.#constraints('microphone', {}, exact) }
          : { video: this.#constraints('camera', VIDEO_CONSTRAINTS, exact) };
      const stream = await media.getUserMedia(constraints).catch((error: unknown) => {
        this.#fail(error, kind === 'audio' ? 'microphone' : 'camera');
        return undefined;
      });
      const track = stream?.getTracks()[0];
      if (!track) return;
      if (this.#stopped) return track.stop();
      const old = kind === 'audio' ? this.#audioTrack : this.#videoTrack;
      if (kind === 'audio') {
        track.enabled = this.#audioEnabled;
        this.#audioTrack = track;
      } else if (this.#videoEnabled) {
        this.#videoTrack = track;
      } else {
        track.stop();
      }
      old?.stop();
      this.#watchTrack(track);
      this.#rebuildStream();
    } finally {
      this.#track(-1);
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
        this.#watchTrack(track);
      } else if (track.kind === 'video' && !this.#videoTrack && this.#videoEnabled) {
        this.#videoTrack = track;
        this.#watchTrack(track);
      } else {
        track.stop();
      }
    }
    this.#rebuildStream();
    void this.#listDevices();
    if (!this.#watchingDevices && globalThis.navigator?.mediaDevices) {
      navigator.mediaDevices.addEventListener('devicechange', this.#onDeviceChange);
      this.#watchingDevices = true;
    }
  }

  /** The devices as the browser names them (with labels now that a permission was granted). */
  async #listDevices(): Promise<void> {
    const all = await globalThis.navigator?.mediaDevices?.enumerateDevices?.().catch(() => []);
    if (!all) return;
    this.#devices = all
      .filter((d) => KIND_OF[d.kind] && d.deviceId)
      .map((d, i) => ({ kind: KIND_OF[d.kind]!, deviceId: d.deviceId, label: d.label || unnamedDevice(KIND_OF[d.kind]!, i + 1) }));
    this.#changed();
  }

  /** A device came or went: if the one in use went, fall back to the system default and say so. */
  #onDeviceChange = async () => {
    await this.#listDevices();
    for (const [kind, track] of [
      ['audio', this.#audioTrack],
      ['video', this.#videoTrack],
    ] as const) {
      if (!track) continue;
      const id = track.getSettings().deviceId;
      const gone = track.readyState === 'ended' || (id !== undefined && !this.#devices.some((d) => d.deviceId === id));
      if (gone) await this.#fallBack(kind, track.label);
    }
  };

  /** The device behind `track` ended (unplugged): the same fall-back. */
  #watchTrack(track: MediaStreamTrack) {
    track.addEventListener('ended', () => {
      if (!this.#stopped && (track === this.#audioTrack || track === this.#videoTrack))
        void this.#fallBack(track.kind as 'audio' | 'video', track.label);
    });
  }

  async #fallBack(kind: 'audio' | 'video', lostLabel: string) {
    const deviceKind = kind === 'audio' ? 'microphone' : 'camera';
    this.#choice = { ...this.#choice, [deviceKind]: undefined };
    await this.#switch(kind, false);
    const now = kind === 'audio' ? this.#audioTrack : this.#videoTrack;
    this.#loss = { kind: deviceKind, lost: lostLabel, now: now?.label };
    this.#changed();
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
