/**
 * Keyboard shortcuts in a call: M microphone, V camera, S share, H hand, C chat, P people,
 * Ctrl/Cmd+D leave (after a confirm), ? the list of them. None fires while the person types in
 * a field, and all can be turned off in Settings (remembered on this device). Push-to-talk:
 * while muted, holding the space bar speaks; letting go mutes again (not when the focus is on a
 * control, where the space bar presses it).
 */
import { msg } from '@lit/localize';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type ShortcutAction = 'microphone' | 'camera' | 'share' | 'hand' | 'chat' | 'people' | 'leave' | 'help';

export interface Shortcut {
  keys: string;
  action: ShortcutAction;
  label: string;
}

/** The list shown in the call's shortcuts dialog, in the current language (call at render time). */
export const shortcuts = (): Shortcut[] => [
  { keys: 'M', action: 'microphone', label: msg('Microphone on or off', { desc: 'Keyboard shortcut M' }) },
  { keys: 'V', action: 'camera', label: msg('Camera on or off', { desc: 'Keyboard shortcut V' }) },
  { keys: 'S', action: 'share', label: msg('Share your screen, or stop', { desc: 'Keyboard shortcut S' }) },
  { keys: 'H', action: 'hand', label: msg('Raise or lower your hand', { desc: 'Keyboard shortcut H' }) },
  { keys: 'C', action: 'chat', label: msg('Open or close the chat', { desc: 'Keyboard shortcut C' }) },
  { keys: 'P', action: 'people', label: msg('Open or close the people list', { desc: 'Keyboard shortcut P' }) },
  { keys: 'Ctrl+D', action: 'leave', label: msg('Leave the call (asks first)', { desc: 'Keyboard shortcut Ctrl+D' }) },
  { keys: '?', action: 'help', label: msg('Show these shortcuts', { desc: 'Keyboard shortcut ?' }) },
  {
    keys: msg('Space (hold)', { desc: 'Keyboard shortcut: the key to hold for push-to-talk (the space bar)' }),
    action: 'microphone',
    label: msg('Talk while muted', { desc: 'Keyboard shortcut: hold the space bar (push-to-talk)' }),
  },
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
