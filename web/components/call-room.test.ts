/// <reference types="mocha" />
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { accessibilityTree, findAX } from '../testing/accessibility-tree.js';
import type { CallRoom } from './call-room.js';
import type { MediaControls } from './media-controls.js';
import type { VideoTile } from './video-tile.js';
import './call-room.js';

/** A node of Chromium's accessibility tree, as Puppeteer serializes it. */

function isShown(element: Element): boolean {
  return element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
}

const getUserMedia = MediaDevices.prototype.getUserMedia;

/** What `getUserMedia` did since `spyOnGetUserMedia()`. */
interface GetUserMediaSpy {
  /** Every track it handed out. */
  opened: MediaStreamTrack[];
  /** Calls that have not settled yet. */
  pending: number;
}

/** Every spy of the current test (their tracks are all stopped after it). */
let spies: GetUserMediaSpy[] = [];

/** Makes `getUserMedia` record what it opens (and, with `fail`, reject as a browser would). */
function spyOnGetUserMedia(fail?: DOMException): GetUserMediaSpy {
  const spy: GetUserMediaSpy = { opened: [], pending: 0 };
  spies.push(spy);
  navigator.mediaDevices.getUserMedia = async function (constraints?: MediaStreamConstraints) {
    spy.pending++;
    try {
      if (fail) throw fail;
      const stream = await getUserMedia.call(this, constraints);
      spy.opened.push(...stream.getTracks());
      return stream;
    } finally {
      spy.pending--;
    }
  };
  return spy;
}

function liveTracks(spy: GetUserMediaSpy): string[] {
  return spy.opened.filter((t) => t.readyState !== 'ended').map((t) => `${t.kind} ${t.label}`);
}

/** Clicks a toggle in <media-controls> and lets both components render the result. */
async function toggle(el: CallRoom, name: 'Microphone' | 'Camera') {
  controlButton(el, name).click();
  await el.updateComplete;
  await controlsOf(el).updateComplete;
}

function controlsOf(el: CallRoom): MediaControls {
  const controls = el.shadowRoot!.querySelector('media-controls');
  expect(controls, '<media-controls>').to.exist;
  return controls!;
}

function controlButton(el: CallRoom, name: string): HTMLButtonElement {
  const button = controlsOf(el).shadowRoot!.querySelector<HTMLButtonElement>(`button[aria-label="${name}"]`);
  expect(button, `${name} button`).to.exist;
  return button!;
}

function previewOf(el: CallRoom): VideoTile {
  const tile = el.shadowRoot!.querySelector('video-tile');
  expect(tile, 'preview <video-tile>').to.exist;
  return tile!;
}

function joinButton(el: CallRoom): HTMLButtonElement {
  const buttons = Array.from(el.shadowRoot!.querySelectorAll('button')).filter((b) => b.textContent!.trim() === 'Join');
  expect(buttons, 'Join buttons').to.have.length(1);
  return buttons[0]!;
}

/** The preview's camera track once it is live. */
async function liveCameraTrack(el: CallRoom): Promise<MediaStreamTrack> {
  await waitUntil(() => previewOf(el).stream?.getVideoTracks()[0]?.readyState === 'live', 'the preview never got a live camera track', {
    timeout: 5000,
  });
  return previewOf(el).stream!.getVideoTracks()[0]!;
}

describe('<call-room>', () => {
  beforeEach(() => {
    localStorage.removeItem('callroom:name');
  });

  afterEach(() => {
    // Back to the browser's own getUserMedia, and no camera left on by a failed test.
    delete (navigator.mediaDevices as Partial<MediaDevices>).getUserMedia;
    for (const spy of spies) for (const track of spy.opened) track.stop();
    spies = [];
  });

  it('says so when the link is not a valid call link', async () => {
    spyOnGetUserMedia();
    const el = await fixture<CallRoom>(html`<call-room room="bad room!"></call-room>`);
    const alert = el.shadowRoot!.querySelector('[role="alert"]');
    expect(alert, 'alert').to.exist;
    expect(isShown(alert!)).to.be.true;
    expect(alert!.textContent).to.contain('This is not a valid call link');
    expect(el.shadowRoot!.querySelector('form'), 'pre-join form').to.be.null;
  });

  describe('pre-join screen', () => {
    it('has the name field, a Join button, a live camera preview and controls without Leave', async () => {
      spyOnGetUserMedia();
      const el = await fixture<CallRoom>(html`<call-room room="abc" name="Ada"></call-room>`);

      const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[name="name"]')!;
      expect(input, 'name field').to.exist;
      expect(input.value).to.equal('Ada');
      const join = joinButton(el);
      expect(join.disabled).to.be.false;
      expect(isShown(join)).to.be.true;

      const track = await liveCameraTrack(el);
      expect(track.kind).to.equal('video');
      const preview = previewOf(el);
      expect(preview.muted, 'your own preview is muted').to.be.true;
      expect(preview.videoOff).to.be.false;
      await preview.updateComplete;
      const video = preview.shadowRoot!.querySelector('video')!;
      expect(video.srcObject === preview.stream, 'the preview <video> shows the stream').to.be.true;
      await waitUntil(() => video.videoWidth > 0, 'the preview never showed a frame', { timeout: 5000 });

      const controls = controlsOf(el);
      await controls.updateComplete;
      expect(controls.inCall).to.be.false;
      expect(controlButton(el, 'Microphone')).to.have.attribute('aria-pressed', 'true');
      expect(controlButton(el, 'Camera')).to.have.attribute('aria-pressed', 'true');
      expect(isShown(controlButton(el, 'Leave call')), 'Leave call shown').to.be.false;

      // What assistive technology gets, from Chromium's own accessibility tree.
      const tree = await accessibilityTree();
      const nameField = findAX(tree, 'textbox', 'Your name');
      expect(nameField, '"Your name" text field').to.exist;
      expect(nameField!.value).to.equal('Ada');
      expect(findAX(tree, 'button', 'Join'), 'Join button').to.exist;
      expect(findAX(tree, 'button', 'Microphone'), 'Microphone button').to.exist;
      expect(findAX(tree, 'button', 'Camera'), 'Camera button').to.exist;
      expect(findAX(tree, 'button', 'Leave call'), 'Leave call button').to.be.undefined;
    });

    it('keeps what the person types as their name', async () => {
      spyOnGetUserMedia();
      const el = await fixture<CallRoom>(html`<call-room room="abc" name="Ada"></call-room>`);
      const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[name="name"]')!;
      input.value = 'Grace';
      input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      await el.updateComplete;
      expect(input.value).to.equal('Grace');
      expect(previewOf(el).name).to.equal('Grace');
    });

    it('turns the camera light off with Camera, and on again with a new track', async () => {
      const spy = spyOnGetUserMedia();
      const el = await fixture<CallRoom>(html`<call-room room="abc" name="Ada"></call-room>`);
      const first = await liveCameraTrack(el);

      await toggle(el, 'Camera');
      expect(first.readyState, 'camera track after Camera off').to.equal('ended');
      expect(
        spy.opened.filter((t) => t.kind === 'video' && t.readyState === 'live'),
        'live camera tracks',
      ).to.have.length(0);
      expect(controlButton(el, 'Camera')).to.have.attribute('aria-pressed', 'false');
      expect(previewOf(el).videoOff, 'preview shows the camera is off').to.be.true;
      expect(previewOf(el).stream?.getVideoTracks() ?? [], 'video tracks in the preview').to.have.length(0);
      // The microphone stays on.
      expect(previewOf(el).stream?.getAudioTracks()[0]?.readyState).to.equal('live');

      await toggle(el, 'Camera');
      const second = await liveCameraTrack(el);
      expect(second === first, 'a new camera track').to.be.false;
      await el.updateComplete;
      await controlsOf(el).updateComplete;
      expect(controlButton(el, 'Camera')).to.have.attribute('aria-pressed', 'true');
      expect(previewOf(el).videoOff).to.be.false;
    });

    it('mutes the microphone track with Microphone', async () => {
      spyOnGetUserMedia();
      const el = await fixture<CallRoom>(html`<call-room room="abc" name="Ada"></call-room>`);
      await liveCameraTrack(el);
      const mic = previewOf(el).stream!.getAudioTracks()[0]!;
      expect(mic.enabled).to.be.true;

      await toggle(el, 'Microphone');
      expect(mic.enabled, 'microphone track enabled').to.be.false;
      expect(controlButton(el, 'Microphone')).to.have.attribute('aria-pressed', 'false');
      expect(previewOf(el).audioOff).to.be.true;

      await toggle(el, 'Microphone');
      expect(mic.enabled, 'microphone track enabled').to.be.true;
      expect(controlButton(el, 'Microphone')).to.have.attribute('aria-pressed', 'true');
    });

    it('ends every track it opened when removed from the page', async () => {
      const spy = spyOnGetUserMedia();
      const el = await fixture<CallRoom>(html`<call-room room="abc" name="Ada"></call-room>`);
      await liveCameraTrack(el);
      // A second camera track, so earlier and later ones are both checked.
      await toggle(el, 'Camera');
      await toggle(el, 'Camera');
      await liveCameraTrack(el);
      expect(spy.opened.length, 'tracks opened').to.be.at.least(3);
      expect(liveTracks(spy), 'live tracks before removal').to.have.length(2);

      el.remove();
      expect(liveTracks(spy), 'tracks still live after removal').to.deep.equal([]);
    });

    it('ends the tracks that arrive after it was removed while the camera was starting', async () => {
      const spy = spyOnGetUserMedia();
      const el = await fixture<CallRoom>(html`<call-room room="abc" name="Ada"></call-room>`);
      expect(spy.pending, 'getUserMedia calls in flight').to.be.greaterThan(0);
      el.remove();
      await waitUntil(() => spy.pending === 0, 'getUserMedia never settled', { timeout: 5000 });
      expect(spy.opened.length, 'tracks opened').to.be.greaterThan(0);
      expect(liveTracks(spy), 'tracks still live after removal').to.deep.equal([]);
    });

    it('is accessible', async () => {
      spyOnGetUserMedia();
      const el = await fixture<CallRoom>(html`<call-room room="abc" name="Ada"></call-room>`);
      await liveCameraTrack(el);
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });

    it('explains a blocked camera and microphone, and still lets the person join', async () => {
      const spy = spyOnGetUserMedia(new DOMException('Permission denied', 'NotAllowedError'));
      const el = await fixture<CallRoom>(html`<call-room room="abc" name="Ada"></call-room>`);
      await waitUntil(() => spy.pending === 0, 'getUserMedia never settled', { timeout: 5000 });
      await el.updateComplete;

      const alerts = Array.from(el.shadowRoot!.querySelectorAll('[role="alert"]')).filter(isShown);
      expect(alerts, 'alerts shown').to.have.length(1);
      expect(alerts[0]!.textContent).to.contain('blocked');
      const join = joinButton(el);
      expect(join.disabled, 'Join disabled').to.be.false;
      const joinForAT = findAX(await accessibilityTree(), 'button', 'Join');
      expect(joinForAT, 'Join button in the accessibility tree').to.exist;
      expect(joinForAT!.disabled ?? false, 'Join disabled for assistive technology').to.be.false;

      await controlsOf(el).updateComplete;
      expect(controlButton(el, 'Microphone')).to.have.attribute('aria-pressed', 'false');
      expect(controlButton(el, 'Camera')).to.have.attribute('aria-pressed', 'false');
      expect(previewOf(el).stream).to.be.undefined;
      await expect(el).to.be.accessible();
    });
  });

  it('does not turn the camera on for a link that is not valid', async () => {
    const spy = spyOnGetUserMedia();
    await fixture<CallRoom>(html`<call-room room="bad room!"></call-room>`);
    await aTimeout(50);
    await waitUntil(() => spy.pending === 0, 'getUserMedia never settled', { timeout: 5000 });
    expect(liveTracks(spy), 'tracks live behind the error').to.deep.equal([]);
    // Not even asked: no permission prompt for a page that can only show an error.
    expect(spy.opened.length, 'tracks opened').to.equal(0);
  });

  it('opens the devices when the room becomes valid, and releases them when it stops being valid', async () => {
    const spy = spyOnGetUserMedia();
    const el = await fixture<CallRoom>(html`<call-room></call-room>`);
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('This is not a valid call link');
    expect(spy.pending + spy.opened.length, 'getUserMedia calls').to.equal(0);

    el.room = 'abc';
    await el.updateComplete;
    await liveCameraTrack(el);
    expect(liveTracks(spy), 'live tracks').to.have.length(2);

    el.room = 'not valid!';
    await el.updateComplete;
    expect(liveTracks(spy), 'tracks live behind the error').to.deep.equal([]);
  });
});
