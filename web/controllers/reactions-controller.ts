/**
 * Reactions floating over the tiles: each shows for a few seconds, then goes. A display concern,
 * so its timers live here, and a reaction coming or going re-renders only this controller's host.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Reaction } from '../../protocol/contract.js';

/** As long as the float-up animation in video-tile.styles.ts. */
export const REACTION_SHOWN_MS = 3500;
/** At most this many float at once. */
const MAX_SHOWN = 20;

export interface FloatingReaction {
  id: number;
  peerId: string;
  emoji: Reaction;
}

/** Whatever tells of reactions (a CallSession). */
export interface ReactionSource {
  on(event: 'reaction', listener: (peerId: string, emoji: Reaction) => void): () => void;
}

export class ReactionsController implements ReactiveController {
  #host: ReactiveControllerHost;
  #source: ReactionSource | undefined;
  #unsubscribe: (() => void) | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #count = 0;
  #connected = false;
  floating: FloatingReaction[] = [];

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Listens to `source` from now on (call from the host's `willUpdate`; the same one is free). */
  follow(source: ReactionSource | undefined): void {
    if (source === this.#source) return;
    this.#stop();
    this.#source = source;
    if (this.#connected) this.#start();
  }

  /** The reactions over one participant's tile. */
  of(peerId: string | undefined): Array<{ id: number; emoji: string }> {
    return this.floating.filter((r) => r.peerId === peerId).map(({ id, emoji }) => ({ id, emoji }));
  }

  hostConnected(): void {
    this.#connected = true;
    this.#start();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#stop();
  }

  #start() {
    this.#unsubscribe = this.#source?.on('reaction', (peerId, emoji) => this.#show(peerId, emoji));
  }

  #stop() {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#timers.forEach((t) => clearTimeout(t));
    this.#timers.clear();
    this.floating = [];
  }

  #show(peerId: string, emoji: Reaction) {
    const reaction: FloatingReaction = { id: ++this.#count, peerId, emoji };
    this.floating = [...this.floating, reaction].slice(-MAX_SHOWN);
    this.#host.requestUpdate();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.floating = this.floating.filter((r) => r !== reaction);
      this.#host.requestUpdate();
    }, REACTION_SHOWN_MS);
    this.#timers.add(timer);
  }
}
