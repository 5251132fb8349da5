/// <reference types="mocha" />
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import type { ChatMessage, JoinedRoom, Knock, Participant, Reaction } from '../../protocol/contract.js';
import { REACTION_SHOWN_MS } from '../controllers/reactions-controller.js';
import type { CallActions } from '../rtc/call-session.js';
import type { LocalMediaState } from '../rtc/local-media.js';
import { initialRoomState, reduceRoom, type RoomEvent, type RoomState } from '../rtc/room-state.js';
import { accessibilityTree, findAX } from '../testing/accessibility-tree.js';
import type { CallStage } from './call-stage.js';
import type { MediaControls } from './media-controls.js';
import './call-stage.js';

/** A session without a server: records what the stage asked for, and fails when told to. */
class FakeSession implements CallActions {
  asked: string[] = [];
  /** The next host action rejects with this. */
  failure: Error | undefined;
  #onReaction = new Set<(peerId: string, emoji: Reaction) => void>();

  on(_event: 'reaction', listener: (peerId: string, emoji: Reaction) => void) {
    this.#onReaction.add(listener);
    return () => this.#onReaction.delete(listener);
  }

  /** How many listen for reactions now. */
  get listening() {
    return this.#onReaction.size;
  }

  /** Someone's reaction arrives. */
  reaction(peerId: string, emoji: Reaction) {
    for (const listener of this.#onReaction) listener(peerId, emoji);
  }

  async sendChat(text: string) {
    this.asked.push(`chat ${text}`);
    return { id: `m${this.asked.length}`, peerId: 'me', name: 'Ada', text, sentAt: Date.now() };
  }

  async raiseHand(raised: boolean) {
    this.asked.push(`hand ${raised}`);
  }

  async react(emoji: Reaction) {
    this.asked.push(`react ${emoji}`);
  }

  lockRoom(locked: boolean) {
    return this.#hostAction(`lock ${locked}`);
  }

  answerKnock(knockId: string, admit: boolean) {
    return this.#hostAction(`${admit ? 'admit' : 'deny'} ${knockId}`);
  }

  removeParticipant(peerId: string) {
    return this.#hostAction(`remove ${peerId}`);
  }

  setView() {}

  shareScreen(on: boolean) {
    this.asked.push(`share ${on}`);
    return Promise.resolve();
  }

  async #hostAction(what: string) {
    this.asked.push(what);
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }
}

const person = (peerId: string, name: string, joinedAt: number, extra: Partial<Participant> = {}): Participant => ({
  peerId,
  name,
  audio: true,
  video: true,
  joinedAt,
  ...extra,
});

const message = (id: string, peerId: string): ChatMessage => ({ id, peerId, name: peerId, text: `message ${id}`, sentAt: Date.now() });

/** A room as the session would have it after these events, starting from a join as `me`. */
function roomAfter(events: RoomEvent[], joined: Partial<JoinedRoom> = {}): RoomState {
  const start: JoinedRoom = {
    roomId: 'standup',
    self: person('me', 'Ada', 1),
    participants: [person('bo', 'Bo', 2, { audio: false }), person('cy', 'Cy', 3, { video: false })],
    capacity: 8,
    room: { hostPeerId: 'me', locked: false, capacity: 8 },
    chat: [],
    lobby: [],
    ...joined,
  };
  return [{ type: 'joined', joined: start } as RoomEvent, ...events].reduce(reduceRoom, initialRoomState);
}

const MEDIA: LocalMediaState = {
  stream: undefined,
  audioEnabled: true,
  videoEnabled: false,
  problem: undefined,
  starting: false,
  devices: [],
  choice: {},
  notice: undefined,
};

/** A stage the size of a small window, on the colours <call-room> gives it. */
async function stage(room: RoomState, session = new FakeSession()): Promise<CallStage> {
  const frame = await fixture<HTMLDivElement>(html`<div style="width: 800px; height: 600px; background: #11141b; color: #f3f5f9">
    <call-stage .room=${room} .media=${MEDIA} .session=${session} link="https://call.test/r/standup"></call-stage>
  </div>`);
  const el = frame.querySelector('call-stage')!;
  el.style.height = '100%';
  await el.updateComplete;
  return el;
}

function isShown(element: Element): boolean {
  return element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
}

function controlsOf(el: CallStage): MediaControls {
  return el.shadowRoot!.querySelector('media-controls')!;
}

function controlButton(el: CallStage, name: string | RegExp): HTMLButtonElement {
  const buttons = Array.from(controlsOf(el).shadowRoot!.querySelectorAll('button'));
  const found = buttons.find((b) =>
    typeof name === 'string' ? b.getAttribute('aria-label') === name : name.test(b.getAttribute('aria-label') ?? ''),
  );
  expect(found, `control "${name}"`).to.exist;
  return found!;
}

/** The shown alerts' text (the host-action problem, notices). */
function shownAlerts(el: CallStage): string[] {
  return Array.from(el.shadowRoot!.querySelectorAll('[role="alert"]'))
    .filter(isShown)
    .map((a) => a.textContent!.replace(/\s+/g, ' ').trim());
}

describe('<call-stage>', () => {
  it("renders one's own tile and one per participant, in joining order, with their state", async () => {
    const el = await stage(roomAfter([]));
    const tiles = Array.from(el.shadowRoot!.querySelectorAll('video-tile'));
    expect(tiles.map((t) => t.name)).to.deep.equal(['Ada (you)', 'Bo', 'Cy']);
    expect(tiles.map((t) => t.dataset.peerId ?? 'self')).to.deep.equal(['self', 'bo', 'cy']);
    const [self, bo, cy] = tiles;
    expect(self!.muted, 'own tile muted').to.be.true;
    expect(self!.videoOff, "own camera from LocalMedia's state").to.be.true;
    expect(self!.audioOff).to.be.false;
    expect(bo!.audioOff).to.be.true;
    expect(cy!.videoOff).to.be.true;
    expect(bo!.status).to.equal('Connecting…');
    expect(el.shadowRoot!.querySelector('.count')!.textContent).to.equal('3 in this call');

    el.room = reduceRoom(el.room, { type: 'participant-left', peerId: 'bo' });
    await el.updateComplete;
    expect(Array.from(el.shadowRoot!.querySelectorAll('video-tile')).map((t) => t.name)).to.deep.equal(['Ada (you)', 'Cy']);
  });

  it('says so when one is alone', async () => {
    const el = await stage(roomAfter([], { participants: [] }));
    expect(el.shadowRoot!.querySelector('.count')!.textContent).to.equal('Only you so far: share the link');
  });

  it("counts others' chat messages while the chat is closed, and clears the count when it opens", async () => {
    const el = await stage(roomAfter([]));
    el.room = [message('1', 'bo'), message('2', 'me'), message('3', 'cy')].reduce(
      (room, m) => reduceRoom(room, { type: 'chat-received', message: m }),
      el.room,
    );
    await el.updateComplete;
    await controlsOf(el).updateComplete;
    expect(controlButton(el, /^Chat/).getAttribute('aria-label')).to.equal('Chat, 2 unread');

    controlButton(el, /^Chat/).click();
    await el.updateComplete;
    await controlsOf(el).updateComplete;
    expect(controlButton(el, 'Chat'), 'no unread count while open').to.exist;
    expect(isShown(el.shadowRoot!.querySelector('chat-panel')!)).to.be.true;

    // Seen while open: closing it leaves nothing unread; a new message counts again.
    controlButton(el, 'Chat').click();
    await el.updateComplete;
    el.room = reduceRoom(el.room, { type: 'chat-received', message: message('4', 'bo') });
    await el.updateComplete;
    await controlsOf(el).updateComplete;
    expect(controlButton(el, /^Chat/).getAttribute('aria-label')).to.equal('Chat, 1 unread');
  });

  it('shows why a host action failed, in words, instead of losing it', async () => {
    const session = new FakeSession();
    const el = await stage(roomAfter([]), session);
    expect(shownAlerts(el)).to.deep.equal([]);

    session.failure = Object.assign(new Error('The call server did not answer in time'), { code: 'timeout' });
    el.shadowRoot!.querySelector('people-panel')!.dispatchEvent(
      new CustomEvent('lock-room', { detail: { locked: true }, bubbles: true, composed: true }),
    );
    await waitUntil(() => shownAlerts(el).length > 0, 'no problem shown');
    expect(session.asked).to.deep.equal(['lock true']);
    expect(shownAlerts(el)).to.deep.equal(['Could not lock the room: The call server did not answer in time. ×']);
    const tree = await accessibilityTree();
    expect(findAX(tree, 'button', 'Dismiss'), 'Dismiss button').to.exist;
    await expect(el).to.be.accessible();

    el.shadowRoot!.querySelector<HTMLButtonElement>('.action-problem button')!.click();
    await el.updateComplete;
    expect(shownAlerts(el)).to.deep.equal([]);
  });

  it('names who could not be admitted or removed', async () => {
    const knock: Knock = { knockId: 'k1', name: 'Kay', at: 1 };
    const session = new FakeSession();
    const el = await stage(roomAfter([{ type: 'knock-arrived', knock }]), session);
    const knocks = el.shadowRoot!.querySelector('knock-requests')!;
    expect(isShown(knocks), 'the host sees who knocks').to.be.true;

    session.failure = Object.assign(new Error('That person is no longer waiting'), { code: 'no-such-knock' });
    knocks.dispatchEvent(new CustomEvent('answer-knock', { detail: { knockId: 'k1', admit: true }, bubbles: true, composed: true }));
    await waitUntil(() => shownAlerts(el).length > 0, 'no problem shown');
    expect(shownAlerts(el)[0]).to.contain('Could not admit Kay: That person is no longer waiting.');

    session.failure = Object.assign(new Error('Only the host can do that'), { code: 'not-host' });
    el.shadowRoot!.querySelector('people-panel')!.dispatchEvent(
      new CustomEvent('remove-participant', { detail: { peerId: 'bo', name: 'Bo' }, bubbles: true, composed: true }),
    );
    await waitUntil(() => shownAlerts(el)[0]?.includes('Bo'), 'no problem shown for Bo');
    expect(shownAlerts(el)[0]).to.contain('Could not remove Bo: Only the host can do that.');
    expect(session.asked).to.deep.equal(['admit k1', 'remove bo']);

    // A host action that works clears the last problem.
    knocks.dispatchEvent(new CustomEvent('answer-knock', { detail: { knockId: 'k1', admit: false }, bubbles: true, composed: true }));
    await waitUntil(() => shownAlerts(el).length === 0, 'the problem stayed');
  });

  it('puts a notice code into words, and marks the tiles the relay could not reach', async () => {
    const el = await stage(
      roomAfter([
        { type: 'connection-state', peerId: 'bo', connection: 'failed' },
        { type: 'notice', notice: 'relay-failed' },
      ]),
    );
    expect(shownAlerts(el)[0]).to.contain('Could not connect through the relay server (TURN)');
    const bo = el.shadowRoot!.querySelector<HTMLElement & { status: string }>('video-tile[data-peer-id="bo"]')!;
    expect(bo.status).to.equal('Could not connect through the relay');
  });

  it('floats a reaction over the right tile for a few seconds', async function () {
    this.timeout(REACTION_SHOWN_MS + 5000);
    const session = new FakeSession();
    const el = await stage(roomAfter([]), session);
    session.reaction('cy', '🎉');
    await el.updateComplete;
    const cy = el.shadowRoot!.querySelector<HTMLElement & { reactions: unknown[] }>('video-tile[data-peer-id="cy"]')!;
    const bo = el.shadowRoot!.querySelector<HTMLElement & { reactions: unknown[] }>('video-tile[data-peer-id="bo"]')!;
    expect(cy.reactions).to.have.length(1);
    expect(bo.reactions).to.have.length(0);
    await aTimeout(REACTION_SHOWN_MS + 100);
    await el.updateComplete;
    expect(cy.reactions).to.have.length(0);
  });

  it('stops listening for reactions when removed', async () => {
    const session = new FakeSession();
    const el = await stage(roomAfter([]), session);
    expect(session.listening).to.equal(1);
    el.remove();
    expect(session.listening).to.equal(0);
  });

  it('is accessible', async () => {
    const el = await stage(roomAfter([{ type: 'knock-arrived', knock: { knockId: 'k1', name: 'Kay', at: 1 } }]));
    await expect(el).to.be.accessible();
    const tree = await accessibilityTree();
    expect(findAX(tree, 'button', 'Leave call'), 'Leave call').to.exist;
    expect(findAX(tree, 'button', 'Admit Kay'), 'Admit Kay').to.exist;
    expect(findAX(tree, 'button', 'Copy link'), 'Copy link').to.exist;
  });

  it('shows whoever speaks large in the speaker view, the others in a strip', async () => {
    const el = await stage(roomAfter([]));
    const layout = el.shadowRoot!.querySelector<HTMLButtonElement>('button[aria-label="Speaker view"]')!;
    expect(isShown(layout)).to.equal(true);
    const spotlit = () => el.shadowRoot!.querySelector<HTMLElement>('.spotlight video-tile')?.dataset.peerId;
    const strip = () => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.grid.strip video-tile')].map((t) => t.dataset.peerId ?? 'self');
    expect(spotlit()).to.equal(undefined);

    let changed = '';
    el.addEventListener('layout-change', (e) => (changed = e.detail.layout));
    layout.click();
    await el.updateComplete;
    expect(changed).to.equal('speaker');
    expect(layout.getAttribute('aria-pressed')).to.equal('true');
    // Nobody has spoken yet: the first of the others.
    expect(spotlit()).to.equal('bo');
    expect(strip()).to.deep.equal(['self', 'cy']);

    // Cy speaks (a real tone, heard by the stage's level meter): Cy moves up. A click first, as
    // in a call (Join): audio runs only after a user gesture.
    await sendMouse({ type: 'click', position: [5, 5] });
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const out = audio.createMediaStreamDestination();
    tone.connect(out);
    tone.start();
    try {
      el.room = reduceRoom(el.room, { type: 'stream', peerId: 'cy', stream: out.stream });
      await waitUntil(() => spotlit() === 'cy', 'Cy, who speaks, to be large', { timeout: 5000 });
      expect(strip()).to.deep.equal(['self', 'bo']);
    } finally {
      tone.stop();
      await audio.close();
    }

    // A shared screen takes the large place.
    el.room = reduceRoom(el.room, { type: 'screen', peerId: 'bo', stream: new MediaStream() });
    el.room = reduceRoom(el.room, { type: 'participant-updated', participant: { ...person('bo', 'Bo', 2), screen: true } });
    await el.updateComplete;
    expect(spotlit()).to.equal(undefined);
    layout.click();
    await el.updateComplete;
    expect(el.layout).to.equal('grid');
  });

  it('keeps the screen awake and answers the system call controls while shown, and lets go after', async () => {
    const locks: WakeLockSentinel[] = [];
    const handlers = new Map<string, MediaSessionActionHandler | null>();
    const run = (action: string) => handlers.get(action)!({ action: action as MediaSessionAction });
    const request = navigator.wakeLock.request.bind(navigator.wakeLock);
    const setHandler = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
    // The real APIs, watched: what was asked of them is recorded, and each call goes through.
    navigator.wakeLock.request = async (type) => {
      const lock = await request(type);
      locks.push(lock);
      return lock;
    };
    navigator.mediaSession.setActionHandler = (action, handler) => {
      handlers.set(action, handler);
      setHandler(action, handler);
    };
    try {
      const el = await stage(roomAfter([]));
      await waitUntil(() => locks.length === 1, 'a wake lock', { timeout: 5000 });
      expect(locks[0]!.released).to.equal(false);
      const asked: string[] = [];
      el.addEventListener('toggle-audio', (e) => asked.push(`audio ${e.detail.enabled}`));
      el.addEventListener('toggle-video', (e) => asked.push(`video ${e.detail.enabled}`));
      el.addEventListener('leave-call', () => asked.push('leave'));
      run('togglemicrophone');
      run('togglecamera');
      run('hangup');
      // MEDIA: microphone on, camera off.
      expect(asked).to.deep.equal(['audio false', 'video true', 'leave']);

      el.remove();
      await waitUntil(() => locks[0]!.released, 'the wake lock released', { timeout: 5000 });
      for (const action of ['togglemicrophone', 'togglecamera', 'hangup']) expect(handlers.get(action), action).to.equal(null);
    } finally {
      navigator.wakeLock.request = request;
      navigator.mediaSession.setActionHandler = setHandler;
    }
  });

  it('opens a picture-in-picture window of the speaker with the call’s buttons', async () => {
    const el = await stage(roomAfter([]));
    const bo = new MediaStream();
    el.room = reduceRoom(el.room, { type: 'stream', peerId: 'bo', stream: bo });
    await el.updateComplete;
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('button[aria-label="Picture in picture"]')!;
    expect(isShown(button)).to.equal(true);
    // A real click (the browser opens the window only for a user gesture).
    const box = button.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
    const pip = (window as unknown as { documentPictureInPicture: { window: Window | null } }).documentPictureInPicture;
    await waitUntil(() => pip.window, 'the picture-in-picture window', { timeout: 5000 });
    const doc = pip.window!.document;
    expect(doc.querySelector('video')!.srcObject).to.equal(bo);
    expect(doc.querySelector('.name')!.textContent).to.equal('Bo');
    expect(button.getAttribute('aria-pressed')).to.equal('true');

    const asked: string[] = [];
    el.addEventListener('toggle-audio', (e) => asked.push(`audio ${e.detail.enabled}`));
    el.addEventListener('leave-call', () => asked.push('leave'));
    const pipButton = (label: string) =>
      [...doc.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === label || b.textContent === label)!;
    expect(pipButton('Microphone').getAttribute('aria-pressed')).to.equal('true');
    pipButton('Microphone').click();
    pipButton('Leave call').click();
    expect(asked).to.deep.equal(['audio false', 'leave']);

    // One's microphone goes off: the small window shows it.
    el.media = { ...el.media, audioEnabled: false };
    await el.updateComplete;
    expect(pipButton('Microphone').getAttribute('aria-pressed')).to.equal('false');

    button.click();
    await waitUntil(() => !pip.window, 'the window closed', { timeout: 5000 });
    await el.updateComplete;
    expect(button.getAttribute('aria-pressed')).to.equal('false');
  });

  it('answers the keyboard shortcuts, not while typing, and not once turned off', async () => {
    const ctrlD = async () => {
      await sendKeys({ down: 'Control' });
      await sendKeys({ press: 'd' });
      await sendKeys({ up: 'Control' });
    };
    localStorage.removeItem('callroom:shortcuts');
    const session = new FakeSession();
    const el = await stage(roomAfter([]), session);
    const asked: string[] = [];
    el.addEventListener('toggle-audio', (e) => asked.push(`audio ${e.detail.enabled}`));
    el.addEventListener('toggle-video', (e) => asked.push(`video ${e.detail.enabled}`));
    el.addEventListener('leave-call', () => asked.push('leave'));
    // MEDIA: microphone on, camera off.
    await sendKeys({ press: 'm' });
    await sendKeys({ press: 'v' });
    await sendKeys({ press: 'h' });
    await sendKeys({ press: 'c' });
    await el.updateComplete;
    expect(asked).to.deep.equal(['audio false', 'video true']);
    expect(session.asked).to.deep.equal(['hand true']);
    const chat = el.shadowRoot!.querySelector('chat-panel')!;
    expect(isShown(chat), 'C opens the chat').to.equal(true);

    // Typing in the chat is text, not shortcuts.
    await waitUntil(() => chat.shadowRoot!.activeElement, 'the chat field focused');
    await sendKeys({ type: 'mvp' });
    expect(asked).to.have.length(2);

    // P: the people list (the focus leaves the field first).
    (chat.shadowRoot!.activeElement as HTMLElement).blur();
    await sendKeys({ press: 'p' });
    await el.updateComplete;
    expect(isShown(el.shadowRoot!.querySelector('people-panel')!)).to.equal(true);

    // Ctrl+D asks first: Stay keeps the call, and the focus goes into the dialog and back.
    const dialog = el.shadowRoot!.querySelector<HTMLDialogElement>('dialog.leave-confirm')!;
    await ctrlD();
    expect(dialog.open).to.equal(true);
    expect(el.shadowRoot!.activeElement?.textContent).to.equal('Stay');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !dialog.open, 'the dialog closed');
    expect(asked).to.not.include('leave');
    await ctrlD();
    [...dialog.querySelectorAll('button')].find((b) => b.textContent === 'Leave')!.click();
    await waitUntil(() => asked.includes('leave'), 'Leave after the confirm');

    // ? lists them.
    await sendKeys({ press: '?' });
    const help = el.shadowRoot!.querySelector<HTMLDialogElement>('dialog.shortcuts')!;
    expect(help.open).to.equal(true);
    expect(help.textContent).to.include('Raise or lower your hand');
    // Turned off there: M does nothing any more.
    const toggle = help.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    toggle.click();
    help.close();
    const before = asked.length;
    await sendKeys({ press: 'm' });
    expect(asked).to.have.length(before);
    expect(localStorage.getItem('callroom:shortcuts')).to.equal('off');
    localStorage.removeItem('callroom:shortcuts');
  });

  it('talks while the space bar is held, when muted', async () => {
    localStorage.removeItem('callroom:shortcuts');
    const frame = await fixture<HTMLDivElement>(html`<div style="width: 800px; height: 600px">
      <call-stage .room=${roomAfter([])} .media=${{ ...MEDIA, audioEnabled: false }} .session=${new FakeSession()}></call-stage>
    </div>`);
    const el = frame.querySelector('call-stage')!;
    await el.updateComplete;
    const asked: boolean[] = [];
    el.addEventListener('toggle-audio', (e) => asked.push(e.detail.enabled));
    await sendKeys({ down: 'Space' });
    await sendKeys({ up: 'Space' });
    expect(asked).to.deep.equal([true, false]);
  });

  it('announces who joins and leaves, hands, chat while closed, mute and reconnecting, gathered', async () => {
    const el = await stage(roomAfter([]));
    const region = el.shadowRoot!.querySelector('[aria-live="polite"]')!;
    el.room = reduceRoom(el.room, { type: 'participant-joined', participant: person('di', 'Di', 4) });
    el.room = reduceRoom(el.room, { type: 'participant-joined', participant: person('ed', 'Ed', 5) });
    await waitUntil(() => region.textContent!.includes('joined'), 'an announcement', { timeout: 4000 });
    expect(region.textContent).to.equal('Di and Ed joined');
    el.room = reduceRoom(el.room, { type: 'participant-left', peerId: 'bo' });
    el.room = reduceRoom(el.room, {
      type: 'participant-updated',
      participant: { ...person('cy', 'Cy', 3, { video: false }), handRaisedAt: 9 },
    });
    el.room = reduceRoom(el.room, { type: 'chat-received', message: message('m1', 'cy') });
    el.media = { ...MEDIA, audioEnabled: false };
    el.room = reduceRoom(el.room, { type: 'connection', connected: false });
    // Within the throttle: said together, once, in a new sentence.
    await waitUntil(() => region.textContent!.includes('left'), 'the next announcement', { timeout: 4000 });
    expect(region.textContent).to.equal('Bo left. Cy raised a hand. cy says: message m1. You are muted');
    // Reconnecting is the banner's to say (a status region of its own); coming back is said here.
    const banner = el.shadowRoot!.querySelector('.banner')!;
    expect(banner.getAttribute('role')).to.equal('status');
    expect(isShown(banner)).to.equal(true);
    el.room = reduceRoom(el.room, { type: 'connection', connected: true });
    await waitUntil(() => region.textContent === 'Connected again', 'connected again', { timeout: 4000 });
  });
});
