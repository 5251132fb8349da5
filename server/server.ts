/**
 * The entry point: reads the configuration, creates the Fastify instance, listens, and shuts down
 * with grace on SIGINT/SIGTERM (clients are told, sockets closed, exit within 5 s).
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { callroomApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

const SHUTDOWN_GRACE_MS = 5000;

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`callroom: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }

  // Cameras need a secure origin: TLS here, or a TLS reverse proxy in front (see README).
  const https = config.tls
    ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }
    : null;
  const app = Fastify({
    https,
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    forceCloseConnections: true,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
  } as Parameters<typeof Fastify>[0]);
  await app.register(callroomApp, { config });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS);
    force.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const address = await app.listen({ port: config.port, host: config.host });
  console.log(`callroom is running: open ${address}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
