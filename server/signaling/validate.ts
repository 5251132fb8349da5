/**
 * Run-time checks for every Socket.IO payload: types are not validation. Each parser returns the
 * clean value or an error body for the ack; nothing unchecked reaches the room rules.
 */
import type { JoinOptions, MediaState } from '../../protocol/contract.js';
import { FEATURES, PEER_ID_MAX_LENGTH, PEER_ID_PATTERN, ROOM_ID_PATTERN, VIEW_MAX_HEIGHT } from '../../protocol/contract.js';
import { fail, type Result } from '../rooms/result.js';

const TOKEN_PATTERN = /^[A-Za-z0-9]{1,64}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Client ids and admission tickets: URL-safe, at most 64 characters. */
export function isValidSecret(value: unknown): value is string {
  return typeof value === 'string' && SECRET_PATTERN.test(value);
}
const NAME_INPUT_MAX = 200; // longer input is rejected outright; normalizeName caps what is kept

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isValidRoomId(value: unknown): value is string {
  return typeof value === 'string' && ROOM_ID_PATTERN.test(value);
}

export function isValidPeerId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= PEER_ID_MAX_LENGTH && PEER_ID_PATTERN.test(value);
}

export interface JoinArgs {
  roomId: string;
  peerId: string;
  options: JoinOptions;
}

export function parseJoinArgs(roomId: unknown, peerId: unknown, options: unknown): Result<JoinArgs> {
  if (!isValidRoomId(roomId)) {
    return fail('invalid-room', 'Room ids are 1 to 64 letters, digits, "-" or "_"');
  }
  if (!isValidPeerId(peerId)) return fail('invalid-peer', 'That peer id is not valid');
  if (options === undefined || options === null) return { ok: true, value: { roomId, peerId, options: {} } };
  if (!isPlainObject(options)) return fail('invalid-payload', 'Join options must be an object');
  const { name, audio, video, peerToken, clientId, ticket, offers, features } = options;
  if (name !== undefined && (typeof name !== 'string' || name.length > NAME_INPUT_MAX)) {
    return fail('invalid-payload', `Names are text of at most ${NAME_INPUT_MAX} characters`);
  }
  if (audio !== undefined && typeof audio !== 'boolean') return fail('invalid-payload', '"audio" must be true or false');
  if (video !== undefined && typeof video !== 'boolean') return fail('invalid-payload', '"video" must be true or false');
  if (peerToken !== undefined && (typeof peerToken !== 'string' || !TOKEN_PATTERN.test(peerToken))) {
    return fail('invalid-payload', '"peerToken" must be the PeerJS token');
  }
  if (clientId !== undefined && !isValidSecret(clientId)) {
    return fail('invalid-payload', '"clientId" is 1 to 64 letters, digits, "-" or "_"');
  }
  if (ticket !== undefined && !isValidSecret(ticket)) {
    return fail('invalid-payload', '"ticket" is the admission ticket the host granted');
  }
  if (offers !== undefined && typeof offers !== 'boolean') return fail('invalid-payload', '"offers" must be true or false');
  if (
    features !== undefined &&
    (!Array.isArray(features) || features.length > 16 || !features.every((f) => typeof f === 'string' && f.length <= 32))
  ) {
    return fail('invalid-payload', '"features" is a list of names');
  }
  const known = features && FEATURES.filter((f) => (features as string[]).includes(f));
  const parsed: JoinOptions = { name, audio, video, peerToken, clientId, ticket, offers };
  if (known) parsed.features = known;
  return { ok: true, value: { roomId, peerId, options: parsed } };
}

/** `view` sizes: at most 50 members, each a peer id → a whole height from 0 to VIEW_MAX_HEIGHT. */
export function parseViewSizes(sizes: unknown): Result<Record<string, number>> {
  if (!isPlainObject(sizes)) return fail('invalid-payload', 'View sizes are {peerId: height}');
  const entries = Object.entries(sizes);
  if (entries.length > 50) return fail('invalid-payload', 'View sizes name at most 50 people');
  for (const [peerId, height] of entries) {
    if (!isValidPeerId(peerId) || !Number.isInteger(height) || (height as number) < 0 || (height as number) > VIEW_MAX_HEIGHT) {
      return fail('invalid-payload', `View sizes are peer ids and whole heights from 0 to ${VIEW_MAX_HEIGHT}`);
    }
  }
  return { ok: true, value: Object.fromEntries(entries) as Record<string, number> };
}

export function parseMediaState(media: unknown): Result<MediaState> {
  if (!isPlainObject(media) || typeof media.audio !== 'boolean' || typeof media.video !== 'boolean') {
    return fail('invalid-payload', 'Media state is {audio: boolean, video: boolean, screen?: boolean}');
  }
  if (media.screen !== undefined && typeof media.screen !== 'boolean') return fail('invalid-payload', '"screen" must be true or false');
  return { ok: true, value: { audio: media.audio, video: media.video, ...(media.screen ? { screen: true } : {}) } };
}
