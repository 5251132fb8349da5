/**
 * The installable app: `/` is the home screen, `/r/<room>` a call, `/call/<handle>` rings a
 * person. It registers the service worker that keeps the shell available offline.
 */
import { ROOM_ID_PATTERN } from '../server/signaling/contract.js';
import { startPresence, trackBusy, wireHome, wireOutgoing } from './app/ringing.js';
import './components/call-home.js';
import './components/call-room.js';

function route(root: HTMLElement) {
  const path = location.pathname;
  const params = new URLSearchParams(location.search);
  const roomMatch = /^\/r\/([^/]*)\/?$/.exec(path);
  const callMatch = /^\/call\/([^/]+)\/?$/.exec(path);
  if (path === '/' || path === '/index.html') {
    document.title = 'callroom';
    const home = document.createElement('call-home');
    root.replaceChildren(home);
    wireHome(home);
  } else if (roomMatch) {
    const roomId = decodeURIComponent(roomMatch[1]!);
    const room = document.createElement('call-room');
    room.room = roomId;
    const name = params.get('name');
    if (name) room.name = name;
    const ticket = params.get('ticket');
    if (ticket) room.ticket = ticket;
    document.title = ROOM_ID_PATTERN.test(roomId) ? 'Call · callroom' : 'Not a call link · callroom';
    root.replaceChildren(room);
    trackBusy(room);
  } else if (callMatch) {
    document.title = 'Calling · callroom';
    const page = document.createElement('outgoing-call');
    page.handle = decodeURIComponent(callMatch[1]!).toLowerCase();
    root.replaceChildren(page);
    wireOutgoing(page);
  } else {
    document.title = 'Not found · callroom';
    const message = document.createElement('p');
    message.className = 'not-found';
    message.append('There is nothing here. ');
    const link = Object.assign(document.createElement('a'), { href: '/', textContent: 'Start a call' });
    message.append(link);
    root.replaceChildren(message);
  }
}

startPresence();
route(document.getElementById('app')!);

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  // The new version waits until every callroom tab is closed: never a reload mid-call.
  navigator.serviceWorker.register('/sw.js').catch(() => {});
}
