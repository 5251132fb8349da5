/**
 * The installable app: `/` is the home screen, `/r/<room>` a call, `/call/<handle>` rings a
 * person. A call link loads only what a call needs; the home screen and ringing load on demand.
 * It registers the service worker that keeps the shell available offline.
 */
import { msg } from '@lit/localize';
import { ROOM_ID_PATTERN } from '../protocol/contract.js';
import { newRoomId, roomIdFromInput } from './app/links.js';
import './components/call-room.js';
import { pickLocale, useLocale } from './i18n/locale.js';

/** Whether this browser chose to be reachable (then every page listens for rings). */
function isReachable(): boolean {
  try {
    return !!localStorage.getItem('callroom:handle');
  } catch {
    return false;
  }
}

async function route(root: HTMLElement) {
  const path = location.pathname;
  const params = new URLSearchParams(location.search);
  const roomMatch = /^\/r\/([^/]*)\/?$/.exec(path);
  const callMatch = /^\/call\/([^/]+)\/?$/.exec(path);
  // The installed app's shortcut (manifest "shortcuts"): a new call.
  if (path === '/new') return location.replace(`/r/${newRoomId()}`);
  // A link shared into the installed app (manifest "share_target"): open the call it names.
  if (path === '/share') {
    const shared = ['url', 'text', 'title'].map((key) => params.get(key) ?? '').join(' ');
    const roomId = /\/r\//.test(shared) ? roomIdFromInput(shared) : undefined;
    return location.replace(roomId ? `/r/${encodeURIComponent(roomId)}` : '/');
  }
  if (roomMatch) {
    const roomId = decodeURIComponent(roomMatch[1]!);
    const room = document.createElement('call-room');
    room.room = roomId;
    const name = params.get('name');
    if (name) room.name = name;
    const ticket = params.get('ticket');
    if (ticket) room.ticket = ticket;
    document.title = ROOM_ID_PATTERN.test(roomId)
      ? msg('Call · callroom', { desc: 'Page title of a call' })
      : msg('Not a call link · callroom', { desc: 'Page title of a link that names no valid call' });
    root.replaceChildren(room);
    if (isReachable()) {
      const ringing = await import('./app/ringing.js');
      ringing.startPresence();
      ringing.trackBusy(room);
    }
  } else if (path === '/' || path === '/index.html') {
    document.title = 'callroom';
    const [ringing] = await Promise.all([import('./app/ringing.js'), import('./components/call-home.js')]);
    const home = document.createElement('call-home');
    root.replaceChildren(home);
    ringing.startPresence();
    ringing.wireHome(home);
  } else if (callMatch) {
    document.title = msg('Calling · callroom', { desc: 'Page title while ringing a person' });
    const ringing = await import('./app/ringing.js');
    const page = document.createElement('outgoing-call');
    page.handle = decodeURIComponent(callMatch[1]!).toLowerCase();
    root.replaceChildren(page);
    ringing.startPresence();
    ringing.wireOutgoing(page);
  } else {
    document.title = msg('Not found · callroom', { desc: 'Page title of an unknown address' });
    const message = document.createElement('p');
    message.className = 'not-found';
    message.append(`${msg('There is nothing here.')} `);
    message.append(
      Object.assign(document.createElement('a'), {
        href: '/',
        textContent: msg('Start a call', { desc: 'Link from the not-found page to the home screen' }),
      }),
    );
    root.replaceChildren(message);
  }
}

// A language other than English loads before the first screen, so it never shows English first.
void useLocale(pickLocale()).finally(() => route(document.getElementById('app')!));

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  // A new version waits, and the page offers it only outside a call (app/updates.ts).
  navigator.serviceWorker
    .register('/sw.js')
    .then(async (registration) => (await import('./app/updates.js')).watchForUpdates(registration))
    .catch(() => {});
}
