/**
 * Debian's nginx in front of several nodes, started by the test with the configuration the README
 * documents (docs/nginx-callroom.conf), its ports swapped for the test's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './process.js';

export interface Nginx {
  url: string;
  stop(): Promise<void>;
}

/** Debian installs it in /usr/sbin, which a non-root PATH may lack. */
export const NGINX_PATH = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

export async function startNginx(upstreams: number[]): Promise<Nginx> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'callroom-nginx-'));
  const documented = readFileSync(new URL('../../docs/nginx-callroom.conf', import.meta.url), 'utf8');
  const servers = upstreams.map((p) => `  server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n');
  const site = documented
    .replace(/^ {2}server 127\.0\.0\.1:\d+ .*\n/gm, '')
    .replace(/(upstream callroom \{[\s\S]*?)\n\}/, `$1\n${servers}\n}`)
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
  if (!site.includes(servers)) throw new Error('docs/nginx-callroom.conf no longer has the expected upstream block');
  writeFileSync(join(dir, 'site.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/site.conf;
}
`,
  );
  const child: ChildProcess = spawn(NGINX_PATH, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (d) => (errors += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${errors}`);
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`nginx did not start: ${errors}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
