/**
 * The public API of `<call-room>`: what a page that embeds it sees. Types only, with no imports,
 * so this file is also the shipped declaration file: the build copies it to
 * `dist/web/call-room.d.ts` and adds the global declarations at its end (the tag and its events,
 * see scripts/build.ts). The element implements `CallRoomElement` (web/components/call-room.ts),
 * so the two cannot drift apart, and test/types/consumer.ts type-checks a page's use of it
 * against the shipped file.
 *
 * Names here are promises to pages: add, never rename.
 */

/** Where the element is: before the call, in it, or after it. */
export type CallRoomState = 'idle' | 'prejoin' | 'joining' | 'knocking' | 'joined' | 'reconnecting' | 'left';

/** Someone in the call, oneself included (`isSelf`). */
export interface CallParticipant {
  /** Their id in this call (a new one each time they join). */
  id: string;
  /** As they typed it: plain text, never HTML. */
  name: string;
  /** Microphone on. */
  audio: boolean;
  /** Camera on. */
  video: boolean;
  /** Sharing a screen. */
  screen: boolean;
  handRaised: boolean;
  isHost: boolean;
  isSelf: boolean;
  /** Recording the call in their browser (everyone was told before it began). */
  recording: boolean;
  /**
   * The safety code of one's connection with them (not for oneself), once it is up: the same
   * on both sides when nobody is in between. Compare it out loud, then `verifyCode(id)`.
   */
  safety?: CallSafetyCode;
}

/** A connection's safety code (see the README's "Safety code"). */
export interface CallSafetyCode {
  /** Five groups of five digits. */
  digits: string;
  /** The same code as five emoji. */
  emoji: string;
  /** Marked verified on this device, for this pair of certificates. */
  verified: boolean;
}

/** A chat message of the call. */
export interface CallChatMessage {
  id: string;
  /** The sender's participant id. */
  from: string;
  /** The sender's name when they sent it. */
  name: string;
  /** Plain text. */
  text: string;
  /** Server time of sending, in ms since 1970. */
  sentAt: number;
}

/** A file sent or received in the call, person to person (never through the server). */
export interface CallFileTransfer {
  /** This transfer's id, for `acceptFile`, `declineFile` and `cancelFile`. */
  id: string;
  /** `out`: one's own file to someone; `in`: someone's to oneself. */
  direction: 'in' | 'out';
  /** The other side's participant id. */
  participantId: string;
  /** The file's name (no path). */
  name: string;
  /** In bytes. */
  size: number;
  /** Its MIME type, as the sender's browser said (may be empty). */
  type: string;
  /**
   * `waiting` (for the other to accept), `offered` (to oneself: accept or decline), `sending`,
   * `receiving`, then `done`, `declined`, `cancelled` or `failed`.
   */
  status: 'waiting' | 'offered' | 'sending' | 'receiving' | 'done' | 'declined' | 'cancelled' | 'failed';
  /** Bytes through so far. */
  bytes: number;
  /** The speed just now, in bytes per second. */
  bytesPerSecond: number;
  /** Who declined or cancelled it. */
  endedBy?: 'self' | 'peer';
  /**
   * Why it ended without the file: `hash-mismatch` (the SHA-256 of what arrived was not the
   * sender's), `too-large` (over the server's MAX_FILE_MB), `connection`, `protocol`.
   */
  problem?: 'hash-mismatch' | 'too-large' | 'connection' | 'protocol';
  /** The file's SHA-256 in hex, once known. */
  sha256?: string;
}

/** The reactions one can send. */
export type CallReaction = '👍' | '👏' | '🎉' | '😂' | '❤️' | '😮';

/**
 * Why a method was refused or the call ended: the call server's codes, and the browser's
 * (`permission-denied`, `no-device`), and the element's own (`not-joined`).
 */
export type CallErrorCode =
  | 'invalid-payload'
  | 'invalid-room'
  | 'invalid-peer'
  | 'peer-not-connected'
  | 'peer-taken'
  | 'room-full'
  | 'not-in-room'
  | 'rate-limited'
  | 'room-locked'
  | 'removed'
  | 'not-host'
  | 'not-locked'
  | 'no-such-knock'
  | 'no-such-participant'
  | 'lobby-full'
  | 'message-too-long'
  | 'handle-taken'
  | 'invalid-handle'
  | 'not-reachable'
  | 'busy'
  | 'no-such-ring'
  | 'directory-off'
  | 'unavailable'
  /** The host said no at the door of a locked room. */
  | 'denied'
  /** The server could not be reached, or did not answer in time. */
  | 'server-unreachable'
  /** The browser (or the person) refused the camera, microphone or screen. */
  | 'permission-denied'
  /** No such camera or microphone (or none at all). */
  | 'no-device'
  /** The device exists but could not start (another app holds it). */
  | 'device-busy'
  /** The method needs a call, and the element is not in one. */
  | 'not-joined'
  /** A file over the size the call server allows (MAX_FILE_MB). */
  | 'file-too-large'
  /** No file transfer with that id (or it is not in a state for that). */
  | 'no-such-file'
  /** The host forbade recording in this call. */
  | 'recording-forbidden'
  /** Not everyone could be told of the recording (someone's app cannot show it, or did not answer). */
  | 'recording-unannounced';

/** What every method's promise rejects with. */
export interface CallRoomError extends Error {
  readonly code: CallErrorCode;
}

/** Why the call ended for this element. */
export type CallLeftReason = 'left' | 'removed' | 'denied' | 'ended';

/** The devices to use; an id from `navigator.mediaDevices.enumerateDevices()`. */
export interface CallDeviceSelection {
  camera?: string;
  microphone?: string;
  /** An audio output (where the browser can choose one: `HTMLMediaElement.setSinkId`). */
  speaker?: string;
}

/** Every event the element fires: `CustomEvent`s that bubble and cross shadow roots. */
export interface CallRoomEventMap {
  'call-joined': CustomEvent<{ room: string; self: CallParticipant }>;
  'call-left': CustomEvent<{ room: string; reason: CallLeftReason }>;
  'participant-joined': CustomEvent<{ participant: CallParticipant }>;
  'participant-left': CustomEvent<{ participant: CallParticipant; reason: 'left' | 'removed' }>;
  /** `changed` names the fields of `participant` that changed. */
  'participant-updated': CustomEvent<{ participant: CallParticipant; changed: Array<keyof CallParticipant> }>;
  'chat-message': CustomEvent<{ message: CallChatMessage }>;
  'hand-raised': CustomEvent<{ participant: CallParticipant }>;
  /** Someone waits at the door of a locked room (the host's element only). */
  knock: CustomEvent<{ knockId: string; name: string }>;
  'connection-state': CustomEvent<{ state: 'connected' | 'reconnecting' }>;
  'call-error': CustomEvent<{ code: CallErrorCode; message: string }>;
  'state-change': CustomEvent<{ state: CallRoomState }>;
  /** Someone offers oneself a file: `acceptFile(transfer.id)` or `declineFile(transfer.id)`. */
  'file-offer': CustomEvent<{ transfer: CallFileTransfer }>;
  /** A file on its way, either direction (a few times a second). */
  'file-progress': CustomEvent<{ transfer: CallFileTransfer }>;
  /** A file arrived whole: its SHA-256 matched the sender's. */
  'file-received': CustomEvent<{ transfer: CallFileTransfer; file: File }>;
  /** One's file arrived whole at `transfer.participantId`. */
  'file-sent': CustomEvent<{ transfer: CallFileTransfer }>;
  /** Declined, cancelled or failed (`status`, `endedBy` and `problem` say which). */
  'file-ended': CustomEvent<{ transfer: CallFileTransfer }>;
  /** One's own recording began: everyone else had been told. */
  'recording-started': CustomEvent<Record<string, never>>;
  /**
   * One's own recording ended, with its WebM file: `stopped` (by `stopRecording` or the button),
   * `forbidden` (the host), `unannounced` (someone joined whose app cannot show it), `left`.
   * Cancelable: when the call ended (`left`) the element saves the file as a download unless
   * the page calls `preventDefault()`.
   */
  'recording-stopped': CustomEvent<{ file: File; reason: CallRecordingStopReason }>;
}

/** Why one's own recording ended. */
export type CallRecordingStopReason = 'stopped' | 'forbidden' | 'unannounced' | 'left';

/** `<call-room>`, as a page uses it. */
export interface CallRoomElement extends HTMLElement {
  /** The room id: letters, digits, `-` and `_`, up to 64. */
  room: string;
  /** The name to join with (the person can change it on the pre-join screen). */
  name: string;
  /** The callroom server's origin; by default the origin `call-room.js` came from. */
  server: string;
  /** An admission ticket for a private or locked room. */
  ticket: string;
  /** A BCP 47 language tag; by default the page's `<html lang>`, then the browser's languages. */
  lang: string;
  /** `on`: the pre-join screen (preview, devices, Join). `off`: nothing until `join()` or `autojoin`. */
  prejoin: 'on' | 'off';
  /** With `prejoin="off"`: join as soon as the element is on the page. */
  autojoin: boolean;
  /** The microphone to start with. */
  microphone: 'on' | 'off';
  /** The camera to start with. */
  camera: 'on' | 'off';
  /** Everyone alike, or whoever speaks large. */
  layout: 'grid' | 'speaker';

  /** Everyone in the call, oneself included; empty when not in one. */
  readonly participants: CallParticipant[];
  readonly state: CallRoomState;

  /** Resolves once in the call; at a locked door, once the host admits (rejects `denied`). */
  join(): Promise<void>;
  /** Resolves once the call has ended and every local track has stopped. */
  leave(): Promise<void>;
  setMicrophone(on: boolean): Promise<void>;
  setCamera(on: boolean): Promise<void>;
  shareScreen(on: boolean): Promise<void>;
  /** Resolves with the message as the others received it. */
  sendChat(text: string): Promise<CallChatMessage>;
  raiseHand(up: boolean): Promise<void>;
  react(emoji: CallReaction): Promise<void>;
  lockRoom(locked: boolean): Promise<void>;
  admit(knockId: string): Promise<void>;
  deny(knockId: string): Promise<void>;
  /**
   * Host action: removes a participant from the call (and keeps them out). Without an id it is
   * the DOM's own `remove()`: the element leaves the page (and so the call).
   */
  remove(): void;
  remove(participantId: string): Promise<void>;
  selectDevices(devices: CallDeviceSelection): Promise<void>;
  /**
   * Marks the safety code with a participant as compared and matching (or not, with `false`),
   * kept on this device; resolves with the code. Rejects `not-joined`, or `no-such-participant`
   * before their connection is up.
   */
  verifyCode(participantId: string, verified?: boolean): Promise<CallSafetyCode>;
  /**
   * Offers a file to one participant, some, or (no `to`) everyone, person to person. Resolves
   * once each has received it, declined, or the transfer ended otherwise, with each transfer;
   * rejects `file-too-large`, `no-such-participant` or `not-joined` at once.
   */
  sendFile(file: File, to?: string | string[]): Promise<CallFileTransfer[]>;
  /** Takes a file offered to oneself (`file-offer`); `file-received` follows. */
  acceptFile(transferId: string): Promise<void>;
  declineFile(transferId: string): Promise<void>;
  /** Stops a transfer either way; the other side sees it cancelled. */
  cancelFile(transferId: string): Promise<void>;
  /**
   * Records the call in this browser (what this person sees, with names, and every voice).
   * Resolves once recording, which is only after everyone else was told ("Ada is recording");
   * rejects `recording-forbidden`, `recording-unannounced` or `not-joined`.
   */
  startRecording(): Promise<void>;
  /** Stops one's recording; resolves with its WebM file (`recording-stopped` fires too); rejects `not-joined` when nothing was recorded. */
  stopRecording(): Promise<File>;
  /** Host only: allows recording in the room, or forbids it (stopping any under way). */
  setRecordingAllowed(allowed: boolean): Promise<void>;
}
