/**
 * Who this browser is, remembered in localStorage: the display name last joined with, and a
 * lasting random client id (lets a host keep a removed person out of a locked room). Private
 * mode (no storage) simply remembers nothing.
 */
import { randomId } from './emitter.js';

const NAME_KEY = 'callroom:name';
const CLIENT_KEY = 'callroom:client';

export function rememberedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

export function rememberName(name: string): void {
  try {
    if (name) localStorage.setItem(NAME_KEY, name);
  } catch {
    // Private mode: the name is simply not remembered.
  }
}

/** This browser's lasting random id, made on first use. */
export function clientId(): string | undefined {
  try {
    let id = localStorage.getItem(CLIENT_KEY);
    if (!id) localStorage.setItem(CLIENT_KEY, (id = randomId(16)));
    return id;
  } catch {
    return undefined;
  }
}
