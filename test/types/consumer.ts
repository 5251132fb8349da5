/**
 * A page's own TypeScript that uses every attribute, method and event of <call-room>, typed
 * by the shipped call-room.d.ts alone. If the types drift (a name changes, a detail loses a
 * field), this stops compiling; the `@ts-expect-error` lines show that wrong uses do not compile.
 */
import type {
  CallChatMessage,
  CallFileTransfer,
  CallParticipant,
  CallRoomElement,
  CallRoomError,
  CallRoomState,
} from '../../dist/web/call-room.js';

export async function drive(): Promise<string[]> {
  const seen: string[] = [];
  // The tag is known: createElement gives the element's type.
  const el: CallRoomElement = document.createElement('call-room');
  el.room = 'team-standup';
  el.name = 'Ada';
  el.server = 'https://call.example';
  el.ticket = '';
  el.lang = 'zh-CN';
  el.prejoin = 'off';
  el.autojoin = false;
  el.microphone = 'on';
  el.camera = 'off';
  el.layout = 'speaker';
  // @ts-expect-error: prejoin is "on" or "off"
  el.prejoin = 'maybe';

  el.addEventListener('call-joined', (e) => seen.push(`joined ${e.detail.room} as ${e.detail.self.name}`));
  el.addEventListener('call-left', (e) => {
    const reason: 'left' | 'removed' | 'denied' | 'ended' = e.detail.reason;
    seen.push(`left ${e.detail.room} ${reason}`);
  });
  el.addEventListener('participant-joined', (e) => seen.push(e.detail.participant.name));
  el.addEventListener('participant-left', (e) => seen.push(`${e.detail.participant.id} ${e.detail.reason}`));
  el.addEventListener('participant-updated', (e) => {
    const changed: Array<keyof CallParticipant> = e.detail.changed;
    seen.push(`${e.detail.participant.audio} ${changed.join()}`);
  });
  el.addEventListener('chat-message', (e) => {
    const message: CallChatMessage = e.detail.message;
    seen.push(`${message.from}: ${message.text} at ${message.sentAt}`);
  });
  el.addEventListener('hand-raised', (e) => seen.push(String(e.detail.participant.handRaised)));
  el.addEventListener('knock', (e) => void el.admit(e.detail.knockId).then(() => seen.push(e.detail.name)));
  el.addEventListener('connection-state', (e) => seen.push(e.detail.state));
  el.addEventListener('call-error', (e) => seen.push(`${e.detail.code}: ${e.detail.message}`));
  el.addEventListener('state-change', (e) => {
    const state: CallRoomState = e.detail.state;
    seen.push(state);
  });
  // @ts-expect-error: participant-joined carries a participant, not a message
  el.addEventListener('participant-joined', (e) => e.detail.message);
  // Events bubble and are composed: a listener on the document is typed the same.
  document.addEventListener('participant-left', (e) => seen.push(e.detail.participant.name));

  document.body.append(el);
  try {
    await el.join();
  } catch (error) {
    const code: CallRoomError['code'] = (error as CallRoomError).code;
    if (code === 'denied' || code === 'room-full' || code === 'permission-denied' || code === 'not-joined') seen.push(code);
  }
  const people: CallParticipant[] = el.participants;
  const self = people.find((p) => p.isSelf);
  seen.push(`${el.state} ${self?.isHost}`);
  await el.setMicrophone(false);
  await el.setCamera(true);
  await el.shareScreen(true);
  const sent: CallChatMessage = await el.sendChat('hello');
  seen.push(sent.id);
  await el.raiseHand(true);
  await el.react('🎉');
  // @ts-expect-error: not one of the reactions
  await el.react('🍕');
  await el.lockRoom(true);
  await el.admit('knock-id');
  await el.deny('knock-id');
  await el.remove('participant-id');
  await el.selectDevices({ camera: 'id', microphone: 'id', speaker: 'id' });
  const other = people.find((p) => !p.isSelf);
  if (other?.safety) seen.push(`${other.safety.digits} ${other.safety.emoji} ${other.safety.verified}`);
  const code = await el.verifyCode('participant-id');
  seen.push(code.digits, String((await el.verifyCode('participant-id', false)).verified));
  // Files, person to person: offers accepted from the page's own UI, the received file kept.
  el.addEventListener('file-offer', (e) => void el.acceptFile(e.detail.transfer.id));
  el.addEventListener('file-progress', (e) => seen.push(`${e.detail.transfer.bytes} of ${e.detail.transfer.size}`));
  el.addEventListener('file-received', (e) => seen.push(`${e.detail.file.name} ${e.detail.transfer.sha256}`));
  el.addEventListener('file-ended', (e) => seen.push(`${e.detail.transfer.status} ${e.detail.transfer.problem}`));
  const transfers: CallFileTransfer[] = await el.sendFile(new File(['hi'], 'hi.txt'), other?.id);
  seen.push(...transfers.map((t) => t.status));
  await el.sendFile(new File(['hi'], 'hi.txt'), ['a', 'b']);
  await el.declineFile('id');
  await el.cancelFile('id');
  await el.leave();
  // Without an id, remove() is the DOM's: the element leaves the page.
  const removed: void = el.remove();
  return [...seen, String(removed)];
}
