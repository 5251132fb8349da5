/**
 * The one result type of the server: a value, or an error a person can act on (the same
 * `{code, message}` the client gets in its ack). Rules, parsers and handlers all return it.
 */
import type { ErrorBody } from '../../protocol/contract.js';

export type Failure = { ok: false; error: ErrorBody };
/** `Extra` is what a success carries besides its value: a room rule's next room, say. */
export type Result<T, Extra = unknown> = ({ ok: true; value: T } & Extra) | Failure;

export function fail(code: ErrorBody['code'], message: string): Failure {
  return { ok: false, error: { code, message } };
}
