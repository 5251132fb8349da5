/**
 * Keyboard shortcuts in a call: M microphone, V camera, S share, H hand, C chat, P people,
 * Ctrl/Cmd+D leave (after a confirm), ? the list of them. None fires while the person types in
 * a field, and all can be turned off in Settings (remembered on this device). Push-to-talk:
 * while muted, holding the space bar speaks; letting go mutes again (not when the focus is on a
 * control, where the space bar presses it).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type ShortcutAction = 'microphone' | 'camera' | 'share' | 'hand' | 'chat' | 'people' | 'leave' | 'help';

export const SHORTCUTS: Array<{ keys: string; action: ShortcutAction; label: string }> = [
  { keys: 'M', action: 'microphone', label: 'Microphone on or off' },
  { keys: 'V', action: 'camera', label: 'Camera on or off' },
  { keys: 'S', action: 'share', label: 'Share your screen, or stop' },
  { keys: 'H', action: 'hand', label: 'Raise or lower your hand' },
  { keys: 'C', action: 'chat', label: 'Open or close the chat' },
  { keys: 'P', action: 'people', label: 'Open or close the people list' },
  { keys: 'Ctrl+D', action: 'leave', label: 'Leave the call (asks first)' },
  { keys: '?', action: 'help', label: 'Show these shortcuts' },
  { keys: 'Space (hold)', action: 'microphone', label: 'Talk while muted' },
];

const KEYS: Record<string, ShortcutAction> = { m: 'microphone', v: 'camera', s: 'share', h: 'hand', c: 'chat', p: 'people' };
const STORAGE_KEY = 'callroom:shortcuts';

export function shortcutsOn(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setShortcutsOn(on: boolean): void {
  try {
    if (on) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, 'off');
  } catch {
    // Not remembered (storage blocked); on for this page.
  }
}

/** Whether the key event comes from a place where keys are text (across shadow roots). */
function typing(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0];
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/** Whether the focus is on a control that the space bar presses. */
function onControl(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0];
  return target instanceof HTMLElement && !!target.closest('button, a, [role="button"], summary, [tabindex]:not([tabindex="-1"])');
}

export interface ShortcutHandlers {
  run(action: ShortcutAction): void;
  /** Push-to-talk: whether the microphone is muted now, and the way to turn it on or off. */
  muted(): boolean;
  setMicrophone(on: boolean): void;
}

export class ShortcutsController implements ReactiveController {
  #handlers: ShortcutHandlers;
  #talking = false;

  constructor(host: ReactiveControllerHost, handlers: ShortcutHandlers) {
    this.#handlers = handlers;
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('keydown', this.#down);
    window.addEventListener('keyup', this.#up);
    window.addEventListener('blur', this.#release);
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this.#down);
    window.removeEventListener('keyup', this.#up);
    window.removeEventListener('blur', this.#release);
  }

  #down = (event: KeyboardEvent) => {
    if (event.defaultPrevented || !shortcutsOn() || typing(event)) return;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && !event.altKey && event.key.toLowerCase() === 'd') {
      event.preventDefault(); // not the browser's bookmark
      return this.#handlers.run('leave');
    }
    if (mod || event.altKey) return;
    if (event.key === ' ' && !onControl(event)) {
      event.preventDefault();
      if (!event.repeat && this.#handlers.muted()) {
        this.#talking = true;
        this.#handlers.setMicrophone(true);
      }
      return;
    }
    if (event.repeat) return;
    if (event.key === '?') {
      event.preventDefault();
      return this.#handlers.run('help');
    }
    const action = KEYS[event.key.toLowerCase()];
    if (action) {
      event.preventDefault();
      this.#handlers.run(action);
    }
  };

  #up = (event: KeyboardEvent) => {
    if (event.key === ' ') this.#release();
  };

  #release = () => {
    if (!this.#talking) return;
    this.#talking = false;
    this.#handlers.setMicrophone(false);
  };
}
