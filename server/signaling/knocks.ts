/**
 * Who waits behind each knock: knock id → the knocking socket's id, on any node. The knock
 * itself (name, time) is in the room's lobby; this is only where to send the answer.
 */
export interface KnockDirectory {
  set(knockId: string, socketId: string): Promise<void>;
  /** The socket waiting behind `knockId`, which waits no more. */
  take(knockId: string): Promise<string | undefined>;
}

export class MemoryKnocks implements KnockDirectory {
  readonly #sockets = new Map<string, string>();

  async set(knockId: string, socketId: string) {
    this.#sockets.set(knockId, socketId);
  }

  async take(knockId: string) {
    const socketId = this.#sockets.get(knockId);
    this.#sockets.delete(knockId);
    return socketId;
  }
}
