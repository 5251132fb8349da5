/**
 * Compile-time checks (npm run typecheck; never imported): web/api/types.ts is shipped alone as
 * call-room.d.ts, so it cannot import the protocol and repeats two of its lists. These keep the
 * copies in step: every server error code is a public one, and the reactions are the same set.
 */
import type { ErrorCode, Reaction } from '../../protocol/contract.js';
import type { CallErrorCode, CallReaction } from './types.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const serverCodesArePublic: [ErrorCode] extends [CallErrorCode] ? true : false = true;
export const reactionsAreTheSame: Same<CallReaction, Reaction> = true;
