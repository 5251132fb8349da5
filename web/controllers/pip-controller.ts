/**
 * Picture-in-picture of the call's speaker, so the call stays in sight over other windows.
 *
 * - Where the browser has Document Picture-in-Picture, a small window of our own: the speaker's
 *   video and name, and the microphone, camera and leave buttons.
 * - Elsewhere, the browser's video picture-in-picture of the speaker's tile.
 *
 * The small window is plain DOM built here (our components are defined in the call's window, not
 * in the new one), styled with a constructed sheet (which a host page's CSP allows, as it does
 * Lit's). It follows the speaker and the devices through `show`.
 */
import { msg } from '@lit/localize';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { OsActions } from './os-integration-controller.js';

/** What the small window shows. */
export interface PipView {
  stream: MediaStream | undefined;
  name: string;
  microphone: boolean;
  camera: boolean;
}

interface DocumentPictureInPicture {
  requestWindow(options?: { width?: number; height?: number }): Promise<Window>;
  readonly window: Window | null;
}

const documentPip = (): DocumentPictureInPicture | undefined =>
  (window as unknown as { documentPictureInPicture?: DocumentPictureInPicture }).documentPictureInPicture;

/** Which picture-in-picture this browser offers, if any. */
export function pipSupport(): 'document' | 'video' | undefined {
  if (documentPip()) return 'document';
  if (document.pictureInPictureEnabled) return 'video';
  return undefined;
}

const STYLE = `
  body { margin: 0; background: #0f1115; color: #f3f4f6; font: 14px system-ui, sans-serif; display: flex; flex-direction: column; height: 100vh; }
  video { flex: 1; min-height: 0; width: 100%; object-fit: cover; background: #000; }
  .name { position: absolute; inset-block-start: 0.5rem; inset-inline-start: 0.5rem; padding: 0.15rem 0.5rem; border-radius: 6px; background: rgb(0 0 0 / 0.55); }
  .controls { display: flex; justify-content: center; gap: 0.5rem; padding: 0.5rem; }
  button { border: 0; border-radius: 999px; padding: 0.45rem 0.9rem; font: inherit; color: inherit; background: #2a2f3a; cursor: pointer; }
  button[aria-pressed='false'] { background: #b91c1c; }
  button.leave { background: #dc2626; }
  button:focus-visible { outline: 2px solid #93c5fd; outline-offset: 2px; }
`;

export class PipController implements ReactiveController {
  #actions: OsActions;
  #host: ReactiveControllerHost;
  #window: Window | undefined;
  #video: HTMLVideoElement | undefined;
  #parts: { name: HTMLElement; microphone: HTMLButtonElement; camera: HTMLButtonElement } | undefined;
  /** The video element in the browser's own picture-in-picture, when that is the kind used. */
  #pipVideo: HTMLVideoElement | undefined;

  constructor(host: ReactiveControllerHost, actions: OsActions) {
    this.#host = host;
    this.#actions = actions;
    host.addController(this);
  }

  get isOpen(): boolean {
    return !!this.#window || (!!this.#pipVideo && document.pictureInPictureElement === this.#pipVideo);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    void this.close();
  }

  /**
   * Opens picture-in-picture (call from a click: the browser asks for a user gesture), with the
   * speaker's tile video as the fallback for video picture-in-picture.
   */
  async open(view: PipView, tileVideo: HTMLVideoElement | undefined): Promise<void> {
    const pip = documentPip();
    if (pip) {
      const win = await pip.requestWindow({ width: 360, height: 280 });
      this.#window = win;
      this.#build(win);
      win.addEventListener('pagehide', () => {
        if (this.#window !== win) return;
        this.#window = undefined;
        this.#video = undefined;
        this.#parts = undefined;
        this.#host.requestUpdate();
      });
      this.show(view);
    } else if (tileVideo) {
      this.#pipVideo = tileVideo;
      tileVideo.addEventListener('leavepictureinpicture', () => this.#host.requestUpdate(), { once: true });
      await tileVideo.requestPictureInPicture();
    }
    this.#host.requestUpdate();
  }

  async close(): Promise<void> {
    const win = this.#window;
    this.#window = undefined;
    this.#video = undefined;
    this.#parts = undefined;
    win?.close();
    if (this.#pipVideo && document.pictureInPictureElement === this.#pipVideo) await document.exitPictureInPicture().catch(() => {});
    this.#pipVideo = undefined;
    this.#host.requestUpdate();
  }

  /** Keeps the small window on the current speaker and devices (call from the host's `updated`). */
  show(view: PipView): void {
    if (!this.#video || !this.#parts) return;
    if (this.#video.srcObject !== (view.stream ?? null)) this.#video.srcObject = view.stream ?? null;
    this.#parts.name.textContent = view.name;
    setToggle(this.#parts.microphone, view.microphone);
    setToggle(this.#parts.camera, view.camera);
  }

  #build(win: Window) {
    const doc = win.document;
    doc.title = 'callroom';
    const sheet = new (win as unknown as typeof globalThis).CSSStyleSheet();
    sheet.replaceSync(STYLE);
    doc.adoptedStyleSheets = [sheet];
    const video = doc.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    // The call's own page plays everyone's sound; this is the picture only.
    video.muted = true;
    const name = doc.createElement('span');
    name.className = 'name';
    const controls = doc.createElement('div');
    controls.className = 'controls';
    const button = (label: string, onClick: () => void) => {
      const b = doc.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.addEventListener('click', onClick);
      controls.append(b);
      return b;
    };
    const microphone = button(
      msg('Microphone', { id: 'pip.microphone', desc: 'Picture-in-picture window: button that turns the microphone on or off' }),
      () => this.#actions.toggleMicrophone(),
    );
    const camera = button(
      msg('Camera', { id: 'pip.camera', desc: 'Picture-in-picture window: button that turns the camera on or off' }),
      () => this.#actions.toggleCamera(),
    );
    const leave = button(
      msg('Leave', { id: 'pip.leave', desc: 'Picture-in-picture window: short label of the button that leaves the call' }),
      () => this.#actions.hangUp(),
    );
    leave.className = 'leave';
    leave.setAttribute(
      'aria-label',
      msg('Leave call', { id: 'pip.leave-call', desc: 'Picture-in-picture window: full name of the leave button, for screen readers' }),
    );
    doc.body.append(video, name, controls);
    this.#video = video;
    this.#parts = { name, microphone, camera };
  }
}

function setToggle(button: HTMLButtonElement, on: boolean) {
  button.setAttribute('aria-pressed', String(on));
}
