/**
 * In-page probes for the browser benchmarks, injected as an init script (plain JavaScript in a
 * string, so no TypeScript helper can leak into the page).
 *
 * - `__benchMarks`: timestamped phases of a join (the /api fetches, the PeerServer and Socket.IO
 *   WebSockets and their messages, each RTCPeerConnection's states). Times are absolute
 *   (performance.timeOrigin + performance.now()), so marks from different pages compare.
 * - `__benchClickJoin()`: clicks Join inside <call-room>'s shadow DOM, returns the click time.
 * - `__benchWatch(expected)`: watches the remote tiles; for each it records when a frame was
 *   first shown (requestVideoFrameCallback, or videoWidth > 0 with currentTime > 0, whichever
 *   comes first) and when `expected` remote tiles all showed frames.
 */
export const PAGE_PROBES = String.raw`(() => {
  const abs = () => performance.timeOrigin + performance.now();
  const marks = [];
  const mark = (name) => marks.push({ name, t: abs() });
  window.__benchMarks = marks;
  window.__benchMark = mark;

  const nativeFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = String(input && input.url ? input.url : input);
    const api = /\/api\/[a-z]+/.exec(url);
    if (api) mark('fetch-start ' + api[0]);
    const result = nativeFetch.apply(this, arguments);
    if (api) result.then(() => mark('fetch-done ' + api[0]), () => mark('fetch-failed ' + api[0]));
    return result;
  };

  const NativeWebSocket = window.WebSocket;
  const eventName = (data) => {
    const match = /^42\d*\["([^"]+)"/.exec(data);
    return match ? match[1] : undefined;
  };
  window.WebSocket = function (url, protocols) {
    const ws = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
    const kind = String(url).includes('/peerjs') ? 'peer' : String(url).includes('/socket.io') ? 'sio' : 'ws';
    mark(kind + '-ws-create');
    ws.addEventListener('open', () => mark(kind + '-ws-open'));
    ws.addEventListener('close', () => mark(kind + '-ws-close'));
    ws.addEventListener('message', (event) => {
      const data = typeof event.data === 'string' ? event.data : '';
      if (kind === 'peer') {
        try { mark('peer-msg-' + JSON.parse(data).type); } catch {}
      } else if (kind === 'sio') {
        if (data.startsWith('40')) mark('sio-connect');
        else if (data.startsWith('43')) mark('sio-ack');
        else if (data.startsWith('0')) mark('sio-engine-open');
        else if (eventName(data)) mark('sio-event-' + eventName(data));
      }
    });
    const send = ws.send;
    ws.send = function (data) {
      if (typeof data === 'string') {
        if (kind === 'sio' && eventName(data)) mark('sio-send-' + eventName(data));
        if (kind === 'peer') { try { mark('peer-send-' + JSON.parse(data).type); } catch {} }
      }
      return send.apply(this, arguments);
    };
    return ws;
  };
  window.WebSocket.prototype = NativeWebSocket.prototype;
  Object.setPrototypeOf(window.WebSocket, NativeWebSocket);

  const NativePC = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new NativePC(...args);
    mark('pc-create');
    pc.addEventListener('iceconnectionstatechange', () => mark('pc-ice-' + pc.iceConnectionState));
    pc.addEventListener('connectionstatechange', () => mark('pc-conn-' + pc.connectionState));
    pc.addEventListener('track', (event) => mark('pc-track-' + event.track.kind));
    for (const method of ['setRemoteDescription', 'setLocalDescription']) {
      const original = pc[method].bind(pc);
      pc[method] = (description) => {
        mark('pc-' + method + '-' + (description && description.type));
        return original(description);
      };
    }
    return pc;
  };
  window.RTCPeerConnection.prototype = NativePC.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, NativePC);

  const room = () => document.querySelector('call-room');
  // In the call, the tiles are in <call-stage>, inside <call-room>.
  const stage = () => room()?.shadowRoot?.querySelector('call-stage')?.shadowRoot ?? room()?.shadowRoot;
  const buttons = () => [...(room()?.shadowRoot?.querySelectorAll('button') ?? [])];

  window.__benchJoinReady = () => {
    const join = buttons().find((b) => b.textContent.trim() === 'Join');
    const preview = room()?.shadowRoot?.querySelector('video-tile.preview')?.shadowRoot?.querySelector('video');
    return !!join && !join.disabled && !!preview && preview.videoWidth > 0;
  };

  window.__benchClickJoin = () => {
    const join = buttons().find((b) => b.textContent.trim() === 'Join');
    if (!join) throw new Error('no Join button');
    const t = abs();
    mark('join-click');
    join.click();
    return t;
  };

  window.__benchWatch = (expected) => {
    const state = { expected, tiles: {}, allAt: null, maxTiles: 0, startedAt: abs() };
    window.__benchWatchState = state;
    const attached = new WeakSet();
    const tick = () => {
      const tiles = [...(stage()?.querySelectorAll('video-tile[data-peer-id]') ?? [])];
      state.maxTiles = Math.max(state.maxTiles, tiles.length);
      for (const tile of tiles) {
        const id = tile.dataset.peerId;
        const rec = (state.tiles[id] ??= { name: tile.name, seenAt: abs(), streamAt: null, frameAt: null, via: null });
        const video = tile.shadowRoot?.querySelector('video');
        if (!video || !video.srcObject) continue;
        rec.streamAt ??= abs();
        if (!attached.has(video) && video.requestVideoFrameCallback) {
          attached.add(video);
          video.requestVideoFrameCallback(() => {
            if (!rec.frameAt) { rec.frameAt = abs(); rec.via = 'rvfc'; }
          });
        }
        if (!rec.frameAt && video.videoWidth > 0 && video.currentTime > 0) { rec.frameAt = abs(); rec.via = 'poll'; }
      }
      const shown = tiles.map((t) => state.tiles[t.dataset.peerId]);
      if (tiles.length >= expected && shown.every((r) => r.frameAt)) {
        state.allAt = Math.max(...shown.map((r) => r.frameAt));
        return;
      }
      if (abs() - state.startedAt < 60000) setTimeout(tick, 4);
    };
    tick();
  };
})();`;
