// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

/** A tiny typed event emitter for the call layer (no DOM events, so it runs anywhere). */
export class Emitter<Events extends Record<string, unknown[]>> {
  #listeners = new Map<keyof Events, Set<Listener>>();

  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): () => void {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event)!.add(listener as Listener);
    return () => this.#listeners.get(event)?.delete(listener as Listener);
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(...args);
  }

  protected removeAllListeners(): void {
    this.#listeners.clear();
  }
}

/** URL-safe random string from `bytes` random bytes (base64url without padding). */
export function randomId(bytes = 16): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  let binary = '';
  for (const b of data) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Letters and digits only (PeerJS ids and tokens allow no more). */
export function randomAlphanumeric(length = 20): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const data = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(data, (b) => alphabet[b % alphabet.length]).join('');
}
