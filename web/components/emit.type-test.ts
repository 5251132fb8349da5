/** Compile-time checks of emit() (npm run typecheck): each @ts-expect-error must be an error. Never imported. */
import { emit } from './emit.js';
declare const el: HTMLElement;
// @ts-expect-error unknown event name
emit(el, 'no-such-event');
// @ts-expect-error wrong detail
emit(el, 'send-chat', { txt: 'x' });
// @ts-expect-error missing detail
emit(el, 'lock-room');
// @ts-expect-error a detail where none is wanted
emit(el, 'leave-call', { now: true });
// @ts-expect-error a DOM event is not a component event
emit(el, 'click');
emit(el, 'leave-call');
emit(el, 'send-chat', { text: 'hi' });
