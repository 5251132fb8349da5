/**
 * The installable app: `/` is the home screen, `/r/<room>` a call. It registers the service
 * worker that keeps the shell available offline.
 */
import { ROOM_ID_PATTERN } from '../server/signaling/contract.js';
import './components/call-home.js';
import './components/call-room.js';

function route(root: HTMLElement) {
  const path = location.pathname;
  const match = /^\/r\/([^/]*)\/?$/.exec(path);
  if (path === '/' || path === '/index.html') {
    document.title = 'callroom';
    root.replaceChildren(document.createElement('call-home'));
  } else if (match) {
    const roomId = decodeURIComponent(match[1]!);
    const room = document.createElement('call-room');
    room.room = roomId;
    const name = new URLSearchParams(location.search).get('name');
    if (name) room.name = name;
    document.title = ROOM_ID_PATTERN.test(roomId) ? 'Call · callroom' : 'Not a call link · callroom';
    root.replaceChildren(room);
  } else {
    document.title = 'Not found · callroom';
    const message = document.createElement('p');
    message.className = 'not-found';
    message.innerHTML = 'There is nothing here. <a href="/">Start a call</a>';
    root.replaceChildren(message);
  }
}

route(document.getElementById('app')!);

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  // The new version waits until every callroom tab is closed: never a reload mid-call.
  navigator.serviceWorker.register('/sw.js').catch(() => {});
}
