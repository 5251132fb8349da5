/**
 * Creates the Fastify instance around the app: the logger (pino, secrets redacted), timeouts, TLS.
 * server.ts and the tests both build the server here, so what the tests run is what runs.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { callroomApp, type AppOptions } from './app.js';
import { connectRedis } from './cluster/redis.js';
import { nodeName } from './cluster/shared.js';

export interface BuildOptions extends Omit<AppOptions, 'config'> {
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write(line: string): void };
}

export async function buildServer(config: AppOptions['config'], options: BuildOptions = {}): Promise<FastifyInstance> {
  // Cameras need a secure origin: TLS here, or a TLS reverse proxy in front (see README).
  const https = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : null;
  const app = Fastify({
    https,
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    forceCloseConnections: true,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  // With REDIS_URL, this node shares rooms, identities, ringing and the relay with the others.
  const shared = config.redisUrl
    ? await connectRedis({ url: config.redisUrl, node: nodeName(config.nodeId), reconnectGraceMs: config.reconnectGraceMs, log: app.log })
    : undefined;
  await app.register(callroomApp, { config, shared, store: options.store, webRoot: options.webRoot });
  return app;
}
