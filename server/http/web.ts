/**
 * The built web app (dist/web): static files, precompressed, with deliberate caching; the app
 * shell for call links and ringing links; a clear page for a link that is not a call link.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isValidRoomId } from '../signaling/validate.js';

const INVALID_ROOM_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Not a call link · callroom</title>
<link rel="stylesheet" href="/app.css"><body class="plain-page"><main>
<h1>This is not a valid call link</h1>
<p>Call links look like <code>/r/</code> followed by up to 64 letters, digits, “-” or “_”.
Check the link you were sent, or start a new call.</p><p><a href="/">Start a new call</a></p></main></body></html>`;

export async function registerWebRoutes(app: FastifyInstance, webRoot: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: webRoot,
    index: ['index.html'],
    wildcard: true,
    // dist/web holds .br and .gz copies of every text asset (scripts/build.ts).
    preCompressed: true,
    cacheControl: false,
    setHeaders(res, filePath) {
      // Precompressed copies arrive here as name.js.br or name.js.gz.
      const name = filePath.replace(/\.(br|gz)$/, '');
      // Module scripts load in CORS mode, and tools read the element's manifest: embedding pages
      // on other origins need this.
      if (name.endsWith('.js') || name.endsWith('custom-elements.json')) res.setHeader('access-control-allow-origin', '*');
      // The element's types for embedding pages' TypeScript (not an MPEG transport stream).
      if (name.endsWith('.d.ts')) {
        res.setHeader('content-type', 'application/typescript; charset=utf-8');
        res.setHeader('access-control-allow-origin', '*');
      }
      // Chunks are named by content hash: cache them for good. Everything else revalidates.
      const hashed = /[\\/]chunks[\\/][^\\/]+-[A-Z0-9]{8}\.js$/.test(name);
      res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  let shellHtml: string | undefined;
  const shell = async (reply: FastifyReply) => {
    shellHtml ??= await readFile(path.join(webRoot, 'index.html'), 'utf8');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(shellHtml);
  };
  app.get<{ Params: { roomId: string } }>('/r/:roomId', async (request, reply) => {
    if (!isValidRoomId(request.params.roomId)) {
      return reply.code(404).type('text/html; charset=utf-8').send(INVALID_ROOM_PAGE);
    }
    return shell(reply);
  });
  // Ringing a person: the app shell rings them (an unknown handle is answered in the page).
  app.get('/call/:handle', async (_request, reply) => shell(reply));
  // The installed app's shortcut (a new call) and its share target (a shared call link).
  app.get('/new', async (_request, reply) => shell(reply));
  app.get('/share', async (_request, reply) => shell(reply));
}
