/**
 * A second web server on another origin (localhost vs 127.0.0.1, another port), serving pages
 * that use callroom from outside: an embedding page, a page that drives the element through its
 * API alone (prejoin="off", under a strict Content-Security-Policy), and a page written against
 * the classic room protocol.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

export interface OtherOrigin {
  origin: string;
  /** Points the pages at the callroom server (set once it is started). */
  setCallServer(url: string): void;
  close(): Promise<void>;
}

const embedPage = (server: string, room: string, name: string, lang: string) => `<!doctype html>
<html lang="${lang.replace(/[^A-Za-z-]/g, '')}"><head><meta charset="utf-8"><title>Team page</title>
<script type="module" src="${server}/call-room.js"></script>
<style>body{margin:0;font-family:sans-serif} call-room{height:90vh}</style></head>
<body><h1>Our team page</h1><call-room room="${room}" name="${name}"></call-room></body></html>`;

/**
 * A page that drives <call-room prejoin="off"> through its API: its own script (/api-page.js, no
 * inline script) records every public event in order in `window.events`, and the test calls the
 * element's methods. Served with a strict CSP: scripts only from this origin and the call
 * server, no 'unsafe-inline', no 'unsafe-eval'.
 */
const apiPage = (server: string, room: string, name: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Our own call page</title>
<script type="module" src="${server}/call-room.js"></script>
<script type="module" src="/api-page.js"></script></head>
<body><h1>Our own call page</h1><call-room room="${room}" name="${name}" prejoin="off"></call-room></body></html>`;

const API_PAGE_SCRIPT = `
const EVENTS = ['call-joined', 'call-left', 'participant-joined', 'participant-left', 'participant-updated', 'chat-message',
  'hand-raised', 'knock', 'connection-state', 'call-error', 'state-change'];
window.events = [];
for (const type of EVENTS) {
  // On the document: the events bubble out of the element and cross shadow roots.
  document.addEventListener(type, (e) => window.events.push({ type, detail: JSON.parse(JSON.stringify(e.detail)) }));
}
`;

/**
 * <call-room> inside another component's shadow root, themed by that component: its accent
 * custom property and a ::part() rule, from a constructed stylesheet (the strict CSP allows no
 * <style> element). Events are recorded in `window.events` as on /api.html.
 */
const shadowPage = (server: string, room: string, name: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A widget with a call inside</title>
<script type="module" src="${server}/call-room.js"></script>
<script type="module" src="/shadow-page.js"></script></head>
<body><h1>A widget with a call inside</h1><team-widget data-room="${room}" data-name="${name}"></team-widget></body></html>`;

const SHADOW_PAGE_SCRIPT = `${API_PAGE_SCRIPT}
const sheet = new CSSStyleSheet();
sheet.replaceSync('call-room { display: block; height: 480px; --call-room-accent: rgb(200, 0, 100); } call-room::part(prejoin) { outline: 3px solid rgb(0, 128, 0); }');
customElements.define('team-widget', class extends HTMLElement {
  connectedCallback() {
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [sheet];
    const call = document.createElement('call-room');
    call.setAttribute('room', this.dataset.room);
    call.setAttribute('name', this.dataset.name);
    root.append(call);
  }
});
`;

const strictCsp = (server: string) => {
  const ws = server.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    `script-src 'self' ${server}`,
    `connect-src 'self' ${server} ${ws}`,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "object-src 'none'",
  ].join('; ');
};

// The classic tutorial's client, as people wrote it against a Socket.IO + PeerJS server.
const classicPage = (server: string, room: string) => {
  const { hostname, port } = new URL(server);
  return `<!doctype html><html><head><meta charset="utf-8"><title>classic</title>
<script src="${server}/socket.io/socket.io.js"></script>
<script src="/peerjs.min.js"></script></head>
<body><div id="video-grid"></div><script>
const ROOM_ID = ${JSON.stringify(room)};
const socket = io(${JSON.stringify(server)});
const videoGrid = document.getElementById('video-grid');
const myPeer = new Peer(undefined, { host: ${JSON.stringify(hostname)}, port: ${Number(port)}, path: '/peerjs' });
const myVideo = document.createElement('video');
myVideo.muted = true;
const peers = {};
window.remoteVideos = [];
navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then(stream => {
  addVideoStream(myVideo, stream);
  myPeer.on('call', call => {
    call.answer(stream);
    const video = document.createElement('video');
    call.on('stream', userVideoStream => { addVideoStream(video, userVideoStream); window.remoteVideos.push(video); });
  });
  socket.on('user-connected', userId => connectToNewUser(userId, stream));
  myPeer.on('open', id => socket.emit('join-room', ROOM_ID, id));
  if (myPeer.open) socket.emit('join-room', ROOM_ID, myPeer.id);
});
socket.on('user-disconnected', userId => { if (peers[userId]) peers[userId].close(); });
function connectToNewUser(userId, stream) {
  const call = myPeer.call(userId, stream);
  const video = document.createElement('video');
  call.on('stream', userVideoStream => { addVideoStream(video, userVideoStream); window.remoteVideos.push(video); });
  call.on('close', () => video.remove());
  peers[userId] = call;
}
function addVideoStream(video, stream) {
  video.srcObject = stream;
  video.addEventListener('loadedmetadata', () => video.play());
  videoGrid.append(video);
}
</script></body></html>`;
};

export async function startOtherOrigin(): Promise<OtherOrigin> {
  let callServer = '';
  const peerjs = await readFile('node_modules/peerjs/dist/peerjs.min.js');
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const room = url.searchParams.get('room') ?? 'lobby';
    if (url.pathname === '/embed.html') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(embedPage(callServer, room, url.searchParams.get('name') ?? 'Guest', url.searchParams.get('lang') ?? 'en'));
    } else if (url.pathname === '/api.html') {
      res
        .writeHead(200, { 'content-type': 'text/html', 'content-security-policy': strictCsp(callServer) })
        .end(apiPage(callServer, room, url.searchParams.get('name') ?? 'Guest'));
    } else if (url.pathname === '/shadow.html') {
      res
        .writeHead(200, { 'content-type': 'text/html', 'content-security-policy': strictCsp(callServer) })
        .end(shadowPage(callServer, room, url.searchParams.get('name') ?? 'Guest'));
    } else if (url.pathname === '/shadow-page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(SHADOW_PAGE_SCRIPT);
    } else if (url.pathname === '/api-page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(API_PAGE_SCRIPT);
    } else if (url.pathname === '/classic.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(classicPage(callServer, room));
    } else if (url.pathname === '/peerjs.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(peerjs);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // "localhost" is another origin than the callroom server's "127.0.0.1", and a secure context.
    origin: `http://localhost:${port}`,
    setCallServer: (url) => (callServer = url),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
