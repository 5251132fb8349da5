/**
 * Recording in the open: a participant records in their own browser, and the room knows it
 * (`recordingSince` on them) for as long as it lasts. The host may forbid it. Plain rules over
 * the room, like the rest of server/rooms.
 */
import type { Participant, RoomInfo } from '../../protocol/contract.js';
import { hostOnly } from './lobby.js';
import { fail } from './result.js';
import { canBeTold, roomInfo, stopRecordings, type Room, type RuleResult } from './rooms.js';

/**
 * `peerId` starts (`since`: now) or stops recording. Starting is refused while the host forbids
 * it, and while someone in the room uses an app that cannot show the notice (a classic client,
 * or an older one: see FEATURES).
 */
export function setRecording(room: Room | undefined, peerId: string, recording: boolean, now: number): RuleResult<Participant> {
  const current = room?.participants.find((p) => p.peerId === peerId);
  if (!room || !current) return fail('not-in-room', 'Join the room first');
  if (recording) {
    const refused = refusal(room, current);
    if (refused) return refused;
  }
  const updated: Participant = { ...current };
  if (recording) updated.recordingSince = current.recordingSince ?? now;
  else delete updated.recordingSince;
  if (updated.recordingSince === current.recordingSince) return { ok: true, room, value: current };
  return { ok: true, room: { ...room, participants: room.participants.map((p) => (p === current ? updated : p)) }, value: updated };
}

/** Why `recorder` may not record in `room` now, if they may not. */
function refusal(room: Room, recorder: Participant) {
  if (room.recordingForbidden) return fail('recording-forbidden', 'The host does not allow recording in this call');
  if (room.participants.some((p) => p !== recorder && !canBeTold(p))) {
    return fail('recording-unannounced', 'Someone in this call uses an app that cannot show that you are recording');
  }
  return undefined;
}

/**
 * Everyone acknowledged the notice: the recording may begin if nothing changed meanwhile (the
 * host did not forbid it, nobody arrived who cannot be told, the mark is the one announced).
 */
export function confirmRecording(room: Room | undefined, peerId: string, since: number): RuleResult<Participant> {
  const current = room?.participants.find((p) => p.peerId === peerId);
  if (!room || !current) return fail('not-in-room', 'Join the room first');
  const refused = refusal(room, current);
  if (refused) return refused;
  if (current.recordingSince !== since) return fail('recording-unannounced', 'The recording was stopped while everyone was being told');
  return { ok: true, room, value: current };
}

export interface RecordingPolicy {
  info: RoomInfo;
  /** Those whose recording the host's "no" stopped. */
  stopped: Participant[];
}

/** The host forbids recording (stopping any under way) or allows it again. */
export function forbidRecording(room: Room | undefined, byPeerId: string, forbidden: boolean): RuleResult<RecordingPolicy> {
  const denied = hostOnly(room, byPeerId);
  if (denied) return denied;
  const current = room!;
  const { participants, stopped } = forbidden ? stopRecordings(current.participants) : { participants: current.participants, stopped: [] };
  const next: Room = { ...current, participants };
  if (forbidden) next.recordingForbidden = true;
  else delete next.recordingForbidden;
  return { ok: true, room: next, value: { info: roomInfo(next), stopped } };
}
