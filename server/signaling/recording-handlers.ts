/**
 * Socket.IO handlers for recording in the open. A recording begins only once everyone else in
 * the room has acknowledged the notice: `set-recording(true)` acks the recorder after every
 * other member's client acked `recording-notice`, and is refused (and undone) when one does not
 * within RECORDING_NOTICE_MS. A stop is told as `participant-updated` (no `recordingSince`); the
 * recorder's own client stops when it sees itself so. The host may forbid recording, which stops
 * any under way.
 */
import { fail } from '../rooms/result.js';
import { confirmRecording, forbidRecording, setRecording } from '../rooms/recording.js';
import { parse, type HandlerTable } from './context.js';

/** How long everyone else has to acknowledge a recording notice. */
export const RECORDING_NOTICE_MS = 5000;

export function defineRecordingHandlers(on: HandlerTable): void {
  on.member('set-recording', parse.boolean('recording'), async ({ socket, deps, now }, recording, { roomId, peerId }) => {
    const result = await deps.store.update(roomId, (room) => setRecording(room, peerId, recording, now()));
    if (!result.ok) return result;
    const participant = result.value;
    // Not recording after all: everyone who was told hears it stopped.
    const undo = async () => {
      const undone = await deps.store.update(roomId, (room) => setRecording(room, peerId, false, now()));
      if (undone.ok) socket.to(roomId).emit('participant-updated', undone.value);
    };
    if (!recording) {
      socket.to(roomId).emit('participant-updated', participant);
      return result;
    }
    try {
      await socket.to(roomId).timeout(RECORDING_NOTICE_MS).emitWithAck('recording-notice', participant);
    } catch {
      // Someone did not confirm they were told: no recording.
      await undo();
      return fail('recording-unannounced', 'Not everyone in the call could be told that you are recording: try again');
    }
    // Much may have happened while everyone was being told: only what still holds goes out.
    const confirmed = await deps.store.update(roomId, (room) => confirmRecording(room, peerId, participant.recordingSince!));
    if (!confirmed.ok) {
      await undo();
      return confirmed;
    }
    socket.to(roomId).emit('participant-updated', confirmed.value);
    return confirmed;
  });

  on.member('forbid-recording', parse.boolean('forbidden'), async ({ io, deps }, forbidden, { roomId, peerId }) => {
    const result = await deps.store.update(roomId, (room) => forbidRecording(room, peerId, forbidden));
    if (!result.ok) return result;
    io.to(roomId).emit('room-updated', result.value.info);
    // The recorder's own client stops when it sees itself updated.
    for (const stopped of result.value.stopped) io.to(roomId).emit('participant-updated', stopped);
    return { ok: true, value: result.value.info };
  });
}
