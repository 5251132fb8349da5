/**
 * The callroom app as a Fastify plugin: it registers the parts, all on one port and origin, and
 * does nothing else. server/build.ts creates the instance around it; server.ts listens.
 */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from './config.js';
import { registerApiRoutes } from './http/api.js';
import { registerHealthRoutes } from './http/health.js';
import { registerSecurityHeaders } from './http/security.js';
import { registerWebRoutes } from './http/web.js';
import { PEER_PATH, registerRealtime } from './realtime.js';
import { memoryState, nodeName, type SharedState } from './cluster/shared.js';
import type { RoomStore } from './rooms/store.js';

export { PEER_PATH };
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../dist/web/', import.meta.url));

export interface AppOptions {
  config: Config;
  /** What the nodes share (Redis, for several); in memory when absent. */
  shared?: SharedState;
  /** A room store for the in-memory default (tests). */
  store?: RoomStore;
  /** The built web app (`npm run build` writes it to dist/web). */
  webRoot?: string;
}

export const callroomApp: FastifyPluginAsync<AppOptions> = async (app: FastifyInstance, options) => {
  const { config } = options;
  const shared = options.shared ?? memoryState(nodeName(config.nodeId), options.store);
  const { metrics } = registerRealtime(app, config, shared);
  await registerSecurityHeaders(app, config);
  registerApiRoutes(app, config, PEER_PATH);
  registerHealthRoutes(app, config, metrics, shared);
  await registerWebRoutes(app, options.webRoot ?? DEFAULT_WEB_ROOT);
};
