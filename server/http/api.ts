/** The small JSON API browsers use before joining: PeerServer settings and ICE servers. */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { iceAnswer } from './ice.js';

export interface ClientConfig {
  peer: { path: string; key: string };
}

const iceServerSchema = {
  type: 'object',
  required: ['urls'],
  properties: {
    urls: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    username: { type: 'string' },
    credential: { type: 'string' },
  },
} as const;

export function registerApiRoutes(app: FastifyInstance, config: Config, peerPath: string): void {
  // Embedding pages on allowed origins call these cross-origin.
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const origin = request.headers.origin;
    if (origin && config.allowedOrigins.includes(origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    }
    reply.header('cache-control', 'no-store');
  });

  app.get('/api/config', {
    schema: {
      response: {
        200: {
          type: 'object',
          required: ['peer'],
          properties: {
            peer: { type: 'object', required: ['path', 'key'], properties: { path: { type: 'string' }, key: { type: 'string' } } },
          },
        },
      },
    },
  }, async (): Promise<ClientConfig> => ({ peer: { path: peerPath, key: config.peerKey } }));

  app.get('/api/ice', {
    schema: {
      response: {
        200: {
          type: 'object',
          required: ['iceServers', 'iceTransportPolicy'],
          properties: {
            iceServers: { type: 'array', items: iceServerSchema },
            iceTransportPolicy: { type: 'string', enum: ['all', 'relay'] },
            ttlSeconds: { type: 'integer' },
          },
        },
      },
    },
  }, async () => iceAnswer(config));
}
