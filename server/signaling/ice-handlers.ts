/** TURN credentials over the live, origin-checked connection: never to a stranger with curl. */
import { fail } from '../rooms/result.js';
import { addressOfClient, parse, type HandlerTable, type RoomHandlerDeps } from './context.js';

export function defineIceHandlers(on: HandlerTable, ice: NonNullable<RoomHandlerDeps['ice']>): void {
  on.request(
    'get-ice',
    parse.nothing,
    (ctx) => {
      const { socket, now } = ctx;
      // The handshake checked any Origin it carried; a client that showed none is not a page of ours.
      if (!socket.handshake.headers.origin) return fail('invalid-payload', 'Relay credentials are for pages of an allowed origin');
      if (!ice.limit.take(addressOfClient(ctx), now()))
        return fail('rate-limited', 'Too many requests for relay credentials: wait a minute');
      return { ok: true, value: ice.answer() };
    },
    { queued: false },
  );
}
