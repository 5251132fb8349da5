/** Health, readiness and Prometheus metrics (optionally behind a bearer token). */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { bearerMatches } from './bearer.js';
import type { AppMetrics } from './metrics.js';
import type { SharedState } from '../cluster/shared.js';

export function registerHealthRoutes(app: FastifyInstance, config: Config, metrics: AppMetrics, shared: SharedState): void {
  let ready = false;
  app.addHook('onReady', async () => {
    ready = true;
  });
  app.addHook('preClose', async () => {
    ready = false;
  });

  app.get('/healthz', async () => ({ ok: true }));
  // Not ready while starting, closing, or cut off from the shared store (Redis, with several nodes).
  app.get('/readyz', async (_request, reply) => {
    if (!ready) return reply.code(503).send({ ready: false, reason: 'starting or closing' });
    if (!shared.ready()) return reply.code(503).send({ ready: false, reason: 'Redis is unreachable' });
    return shared.latency ? { ready: true, node: shared.node } : { ready: true };
  });
  app.get('/metrics', async (request, reply) => {
    if (config.metricsToken && !bearerMatches(request.headers.authorization, config.metricsToken)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'A bearer token is needed for /metrics' });
    }
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
