/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell (workbox-build injects the list at build time),
 * serves it to navigations when offline, and never touches realtime or API traffic.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

/** Live connections and API answers must never come from a cache. */
const NETWORK_ONLY = /^\/(socket\.io|peerjs|api)(\/|$)/;

// Routed first, so no later route can catch them.
registerRoute(({ url, sameOrigin }) => sameOrigin && NETWORK_ONLY.test(url.pathname), new NetworkOnly());

// A new version waits behind the old one (never a reload mid-call) until the page asks for it:
// the person pressed Reload on "A new version of callroom is ready" (web/app/updates.ts).
self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// Every navigation (/, /r/<room>) is the same app shell: served from the precache, online or
// not, so a repeat visit costs no network bytes. A new shell arrives with a new service worker.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [NETWORK_ONLY] }));
