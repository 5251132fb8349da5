/**
 * The entry point: reads the configuration, creates the Fastify instance, listens, and shuts down
 * with grace on SIGINT/SIGTERM (clients are told, sockets closed, exit within 5 s).
 */
import { buildServer } from './build.js';
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

  const app = await buildServer(config);

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
