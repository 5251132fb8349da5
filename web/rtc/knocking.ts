/**
 * Waiting at the door of a locked room: knock, then wait for the host's answer (or give up).
 */
import type { KnockAnswer } from '../../protocol/contract.js';
import { SignalingError, type RoomSignaling } from './room-signaling.js';

export type KnockOutcome = { admitted: true; ticket: string } | { admitted: false; reason: 'denied' | 'ended' | 'cancelled' };

/** What knocking needs of the room's signaling. */
export type KnockSignaling = Pick<RoomSignaling, 'on' | 'knock' | 'cancelKnock'>;

export class Knocking {
  #signaling: KnockSignaling;
  #settle: ((outcome: KnockOutcome) => void) | undefined;

  constructor(signaling: KnockSignaling) {
    this.#signaling = signaling;
  }

  /** Knocks and waits; `onWaiting` runs once the host has been asked. */
  async knock(roomId: string, who: { name?: string; clientId?: string }, onWaiting: () => void): Promise<KnockOutcome> {
    const outcome = new Promise<KnockOutcome>((resolve) => (this.#settle = resolve));
    const stopListening = this.#signaling.on('knock-answered', (answer) => this.#settle?.(outcomeOf(answer)));
    try {
      try {
        await this.#signaling.knock(roomId, who);
      } catch (error) {
        // Unlocked in the meantime: just join.
        if (error instanceof SignalingError && error.code === 'not-locked') return { admitted: true, ticket: '' };
        throw error;
      }
      onWaiting();
      return await outcome;
    } finally {
      stopListening();
      this.#settle = undefined;
    }
  }

  /** Stops waiting: tells the room, and the knock ends as cancelled. */
  async cancel(): Promise<void> {
    await this.#signaling.cancelKnock().catch(() => null);
    this.abandon();
  }

  /** Stops waiting without a word to the room (it is being closed anyway). */
  abandon(): void {
    this.#settle?.({ admitted: false, reason: 'cancelled' });
  }
}

function outcomeOf(answer: KnockAnswer): KnockOutcome {
  // Everyone left while we waited: the lock went with them, and nobody inherits the lobby.
  if (answer.reason === 'ended') return { admitted: false, reason: 'ended' };
  return answer.admitted ? { admitted: true, ticket: answer.ticket ?? '' } : { admitted: false, reason: 'denied' };
}
