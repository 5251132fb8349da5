/** Debian's coturn on loopback with a shared secret (`use-auth-secret`), for relay tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { freePort } from './process.js';

export interface Coturn {
  url: string;
  stop(): Promise<void>;
}

/** `extra`: more turnserver options (`--max-bps=8000` caps each session's bandwidth, bytes a second). */
export async function startCoturn(secret: string, extra: string[] = []): Promise<Coturn> {
  const port = await freePort();
  const minPort = 40000 + Math.floor(Math.random() * 20000);
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-n',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--fingerprint',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 200}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=callroom.test',
      // Both browsers are on this machine, so the relayed peers are loopback addresses.
      '--allow-loopback-peers',
      '--log-file=stdout',
      '--simple-log',
      `--pidfile=/tmp/callroom-turn-${port}.pid`,
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  // Ready when it answers a STUN binding request on its port.
  const deadline = Date.now() + 10_000;
  while (!(await stunAnswers(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`coturn did not start: ${log.slice(-2000)}`);
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function stunAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0); // Binding Request
    request.writeUInt32BE(0x2112a442, 4); // magic cookie
    for (let i = 8; i < 20; i++) request[i] = Math.floor(Math.random() * 256);
    const timer = setTimeout(() => done(false), 300);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    socket.on('message', () => done(true));
    socket.on('error', () => done(false));
    socket.send(request, port, '127.0.0.1');
  });
}
