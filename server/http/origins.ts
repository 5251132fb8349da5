/**
 * Which pages may open Socket.IO and PeerServer connections: the server's own origin, plus
 * ALLOWED_ORIGINS. A request with no Origin header comes from a non-browser client (or a
 * same-origin GET), which an Origin check cannot restrict anyway.
 */
export function originPolicy(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return (origin: string | undefined, host: string | undefined): boolean => {
    if (!origin) return true;
    if (allowed.has(origin)) return true;
    if (!host) return false;
    try {
      return new URL(origin).host === host;
    } catch {
      return false;
    }
  };
}
