/**
 * The small JSON API browsers use before joining: the PeerServer's settings. ICE servers and TURN
 * credentials come over the signaling connection (`get-ice`), which checks the origin.
 */
import type { FastifyInstance } from 'fastify';
import type { ClientConfig } from '../../protocol/api.js';
import type { Config } from '../config.js';

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

  app.get(
    '/api/config',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['peer', 'preconnectIdleSeconds', 'uplinkBudgetKbps'],
            properties: {
              peer: { type: 'object', required: ['path', 'key'], properties: { path: { type: 'string' }, key: { type: 'string' } } },
              preconnectIdleSeconds: { type: 'integer' },
              uplinkBudgetKbps: { type: 'integer' },
              maxFileMb: { type: 'integer' },
            },
          },
        },
      },
    },
    async (): Promise<ClientConfig> => ({
      peer: { path: peerPath, key: config.peerKey },
      preconnectIdleSeconds: config.preconnectIdleSeconds,
      uplinkBudgetKbps: config.uplinkBudgetKbps,
      maxFileMb: config.maxFileMb,
    }),
  );
}
