/// <reference types="mocha" />
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { VideoTile } from './video-tile.js';
import './video-tile.js';

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

/** Every track a test opened; all are stopped after each test. */
const opened: MediaStreamTrack[] = [];

/** A real stream from Chromium's fake camera and microphone. */
async function cameraStream(): Promise<MediaStream> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  opened.push(...stream.getTracks());
  return stream;
}

function videoOf(el: VideoTile): HTMLVideoElement {
  const video = el.shadowRoot!.querySelector('video');
  expect(video, 'inner <video>').to.exist;
  return video!;
}

function isShown(element: Element): boolean {
  return element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
}

function tile(template: ReturnType<typeof html>) {
  return fixture<VideoTile>(html`<div style="width: 320px; height: 180px; display: grid">${template}</div>`).then(
    (wrapper) => wrapper.firstElementChild as VideoTile,
  );
}

describe('<video-tile>', () => {
  afterEach(() => {
    for (const track of opened.splice(0)) track.stop();
  });

  it('plays the stream it is given in its inner <video>', async () => {
    const stream = await cameraStream();
    const el = await tile(html`<video-tile .stream=${stream} name="Ada"></video-tile>`);
    await el.updateComplete;
    const video = videoOf(el);
    expect(video.srcObject).to.equal(stream);
    expect(isShown(video), 'video shown').to.be.true;
    await waitUntil(() => video.videoWidth > 0, 'the fake camera never produced a frame', { timeout: 5000 });
    expect(video.videoHeight).to.be.greaterThan(0);
  });

  it('shows a stream given after the first render, and lets go of it when the stream is unset', async () => {
    const el = await tile(html`<video-tile name="Ada"></video-tile>`);
    const video = videoOf(el);
    expect(video.srcObject).to.be.null;
    expect(isShown(video), 'video shown without a stream').to.be.false;
    expect(isShown(el.shadowRoot!.querySelector('.avatar')!), 'avatar shown without a stream').to.be.true;

    const stream = await cameraStream();
    el.stream = stream;
    await el.updateComplete;
    expect(video.srcObject).to.equal(stream);
    await waitUntil(() => video.videoWidth > 0, 'the fake camera never produced a frame', { timeout: 5000 });

    el.stream = undefined;
    await el.updateComplete;
    expect(video.srcObject).to.be.null;
  });

  it('mutes the video only with the muted attribute', async () => {
    const stream = await cameraStream();
    const muted = await tile(html`<video-tile muted .stream=${stream} name="Me"></video-tile>`);
    expect(muted.muted).to.be.true;
    expect(videoOf(muted).muted).to.be.true;

    const loud = await tile(html`<video-tile .stream=${stream} name="Them"></video-tile>`);
    expect(videoOf(loud).muted).to.be.false;
    loud.setAttribute('muted', '');
    await loud.updateComplete;
    expect(videoOf(loud).muted).to.be.true;
    loud.muted = false;
    await loud.updateComplete;
    expect(videoOf(loud).muted).to.be.false;
    expect(loud.hasAttribute('muted'), 'muted reflects').to.be.false;
  });

  it('reflects mirrored and flips the video', async () => {
    const stream = await cameraStream();
    const el = await tile(html`<video-tile .stream=${stream} name="Me"></video-tile>`);
    expect(el.hasAttribute('mirrored')).to.be.false;
    expect(getComputedStyle(videoOf(el)).transform).to.equal('none');

    el.mirrored = true;
    await el.updateComplete;
    expect(el.hasAttribute('mirrored'), 'attribute after setting the property').to.be.true;
    expect(getComputedStyle(videoOf(el)).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');

    el.removeAttribute('mirrored');
    await el.updateComplete;
    expect(el.mirrored).to.be.false;
    el.setAttribute('mirrored', '');
    await el.updateComplete;
    expect(el.mirrored).to.be.true;
  });

  it('with video-off hides the video and shows the initial of the name', async () => {
    const stream = await cameraStream();
    const el = await tile(html`<video-tile video-off .stream=${stream} name="  ada lovelace"></video-tile>`);
    expect(el.videoOff).to.be.true;
    const video = videoOf(el);
    const avatar = el.shadowRoot!.querySelector('.avatar')!;
    expect(isShown(video), 'video shown').to.be.false;
    expect(isShown(avatar), 'avatar shown').to.be.true;
    expect(avatar.textContent!.trim()).to.equal('A');
    expect(el.shadowRoot!.querySelector('.name')!.textContent).to.equal('  ada lovelace');

    el.videoOff = false;
    await el.updateComplete;
    expect(el.hasAttribute('video-off'), 'video-off reflects').to.be.false;
    expect(isShown(video), 'video shown').to.be.true;
    expect(isShown(avatar), 'avatar shown').to.be.false;
  });

  it('with audio-off shows a "Microphone off" image', async () => {
    const el = await tile(html`<video-tile name="Ada"></video-tile>`);
    const micOff = el.shadowRoot!.querySelector('[role="img"][aria-label="Microphone off"]')!;
    expect(micOff, 'Microphone off image').to.exist;
    expect(isShown(micOff), 'shown while audio is on').to.be.false;

    el.setAttribute('audio-off', '');
    await el.updateComplete;
    expect(el.audioOff).to.be.true;
    expect(isShown(micOff), 'shown while audio is off').to.be.true;
    const shownImages = Array.from(el.shadowRoot!.querySelectorAll('[role="img"]')).filter(isShown);
    expect(shownImages.map((i) => i.getAttribute('aria-label'))).to.deep.equal(['Microphone off']);
  });

  it('shows a name full of HTML as text, never as markup', async () => {
    const name = '<img src=x onerror="window.__pwned=1"><b>Eve</b>';
    delete window.__pwned;
    const el = await tile(html`<video-tile .name=${name}></video-tile>`);
    const label = el.shadowRoot!.querySelector('.name')!;
    expect(label.textContent).to.equal(name);
    expect(label.children).to.have.length(0);
    expect(el.shadowRoot!.querySelectorAll('img, b')).to.have.length(0);
    expect(document.querySelectorAll('img')).to.have.length(0);
    expect(el.shadowRoot!.querySelector('.avatar')!.textContent!.trim()).to.equal('<');
    // An injected <img src=x> would have fired its error handler by now.
    await aTimeout(200);
    expect(window.__pwned).to.be.undefined;
  });

  it('detaches the stream from its video when removed from the page', async () => {
    const stream = await cameraStream();
    const el = await tile(html`<video-tile .stream=${stream} name="Ada"></video-tile>`);
    const video = videoOf(el);
    expect(video.srcObject).to.equal(stream);
    el.remove();
    expect(video.srcObject).to.be.null;
  });

  it('shows its stream again when put back on the page (moved in a list)', async () => {
    const stream = await cameraStream();
    const el = await tile(html`<video-tile .stream=${stream} name="Ada"></video-tile>`);
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
    await el.updateComplete;
    const video = videoOf(el);
    expect(video.srcObject).to.equal(stream);
    await waitUntil(() => video.videoWidth > 0 && !video.paused, 'the moved tile never played', { timeout: 5000 });
  });

  it('is accessible with video, with the camera and mic off, and with a status', async () => {
    const stream = await cameraStream();
    const el = await tile(html`<video-tile .stream=${stream} name="Ada" muted mirrored></video-tile>`);
    await expect(el).to.be.accessible();
    el.videoOff = true;
    el.audioOff = true;
    el.status = 'Reconnecting…';
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('floats reactions up, and keeps them still for people who ask for less motion', async () => {
    const el = await fixture<VideoTile>(html`<video-tile name="Ada" .reactions=${[{ id: 1, emoji: '🎉' }]}></video-tile>`);
    const reaction = () => getComputedStyle(el.shadowRoot!.querySelector('.reaction')!).animationName;
    expect(reaction()).to.equal('float-up');
    await emulateMedia({ reducedMotion: 'reduce' });
    try {
      expect(reaction()).to.equal('none');
    } finally {
      await emulateMedia({ reducedMotion: 'no-preference' });
    }
  });
});
