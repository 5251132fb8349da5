/// <reference types="mocha" />
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { accessibilityTree, findAX } from '../testing/accessibility-tree.js';
import type { MediaControls, ToggleDetail } from './media-controls.js';
import './media-controls.js';

/** A node of Chromium's accessibility tree, as Puppeteer serializes it. */

/** The button whose accessible name is `name` (its aria-label, else its text). */
function button(el: MediaControls, name: string): HTMLButtonElement {
  const buttons = Array.from(el.shadowRoot!.querySelectorAll('button'));
  const found = buttons.filter((b) => (b.getAttribute('aria-label') ?? b.textContent!.trim()) === name);
  expect(found, `buttons named "${name}"`).to.have.length(1);
  return found[0]!;
}

function isShown(element: Element): boolean {
  return element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
}

describe('<media-controls>', () => {
  it('has Microphone and Camera toggle buttons whose aria-pressed follows audio-enabled / video-enabled', async () => {
    const el = await fixture<MediaControls>(html`<media-controls audio-enabled></media-controls>`);
    expect(button(el, 'Microphone')).to.have.attribute('aria-pressed', 'true');
    expect(button(el, 'Camera')).to.have.attribute('aria-pressed', 'false');

    el.audioEnabled = false;
    el.videoEnabled = true;
    await el.updateComplete;
    expect(button(el, 'Microphone')).to.have.attribute('aria-pressed', 'false');
    expect(button(el, 'Camera')).to.have.attribute('aria-pressed', 'true');

    el.removeAttribute('audio-enabled');
    el.setAttribute('video-enabled', '');
    await el.updateComplete;
    expect(el.audioEnabled).to.be.false;
    expect(el.videoEnabled).to.be.true;
    el.setAttribute('audio-enabled', '');
    el.removeAttribute('video-enabled');
    await el.updateComplete;
    expect(el.audioEnabled).to.be.true;
    expect(el.videoEnabled).to.be.false;
    expect(button(el, 'Microphone')).to.have.attribute('aria-pressed', 'true');
    expect(button(el, 'Camera')).to.have.attribute('aria-pressed', 'false');
  });

  it('exposes the toggles to assistive technology as pressed / not pressed buttons with fixed names', async () => {
    await fixture<MediaControls>(html`<media-controls audio-enabled></media-controls>`);
    const tree = await accessibilityTree();
    const mic = findAX(tree, 'button', 'Microphone');
    const camera = findAX(tree, 'button', 'Camera');
    expect(mic, 'Microphone button in the accessibility tree').to.exist;
    expect(camera, 'Camera button in the accessibility tree').to.exist;
    expect(mic!.pressed).to.equal(true);
    expect(camera!.pressed).to.equal(false);
  });

  for (const enabled of [true, false]) {
    it(`Microphone fires a bubbling, composed toggle-audio with enabled: ${!enabled} when the mic is ${enabled ? 'on' : 'off'}`, async () => {
      const el = await fixture<MediaControls>(html`<media-controls ?audio-enabled=${enabled} video-enabled></media-controls>`);
      const received = oneEvent(document, 'toggle-audio') as Promise<CustomEvent<ToggleDetail>>;
      button(el, 'Microphone').click();
      const event = await received;
      expect(event.target).to.equal(el);
      expect(event.bubbles, 'bubbles').to.be.true;
      expect(event.composed, 'composed').to.be.true;
      expect(event.detail).to.deep.equal({ enabled: !enabled });
    });

    it(`Camera fires a bubbling, composed toggle-video with enabled: ${!enabled} when the camera is ${enabled ? 'on' : 'off'}`, async () => {
      const el = await fixture<MediaControls>(html`<media-controls audio-enabled ?video-enabled=${enabled}></media-controls>`);
      const received = oneEvent(document, 'toggle-video') as Promise<CustomEvent<ToggleDetail>>;
      button(el, 'Camera').click();
      const event = await received;
      expect(event.target).to.equal(el);
      expect(event.bubbles, 'bubbles').to.be.true;
      expect(event.composed, 'composed').to.be.true;
      expect(event.detail).to.deep.equal({ enabled: !enabled });
    });
  }

  it('reaches listeners outside an enclosing shadow root (composed)', async () => {
    const outer = await fixture<HTMLDivElement>(html`<div></div>`);
    const root = outer.attachShadow({ mode: 'open' });
    const el = document.createElement('media-controls');
    root.append(el);
    await el.updateComplete;
    const received = oneEvent(outer, 'toggle-audio') as Promise<CustomEvent<ToggleDetail>>;
    button(el, 'Microphone').click();
    const event = await received;
    expect(event.target, 'retargeted to the shadow host').to.equal(outer);
    expect(event.detail.enabled).to.be.true;
  });

  it('hides Leave call unless in-call', async () => {
    const el = await fixture<MediaControls>(html`<media-controls audio-enabled video-enabled></media-controls>`);
    const leave = button(el, 'Leave call');
    expect(leave.hidden).to.be.true;
    expect(isShown(leave), 'Leave call shown').to.be.false;
    expect(findAX(await accessibilityTree(), 'button', 'Leave call'), 'Leave call in the accessibility tree').to.be.undefined;

    el.inCall = true;
    await el.updateComplete;
    expect(isShown(leave), 'Leave call shown').to.be.true;
    expect(findAX(await accessibilityTree(), 'button', 'Leave call'), 'Leave call in the accessibility tree').to.exist;
  });

  it('fires a bubbling, composed leave-call when Leave call is clicked', async () => {
    const el = await fixture<MediaControls>(html`<media-controls in-call audio-enabled video-enabled></media-controls>`);
    expect(isShown(button(el, 'Leave call'))).to.be.true;
    const received = oneEvent(document, 'leave-call');
    button(el, 'Leave call').click();
    const event = await received;
    expect(event.target).to.equal(el);
    expect(event.bubbles).to.be.true;
    expect(event.composed).to.be.true;
  });

  it('is accessible before and during a call, with devices on and off', async () => {
    const el = await fixture<MediaControls>(html`<media-controls audio-enabled video-enabled></media-controls>`);
    await expect(el).to.be.accessible();
    el.inCall = true;
    el.audioEnabled = false;
    el.videoEnabled = false;
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});
