/** The HTTP API's answers (`/api/...`), as the server sends them and the web reads them. */

/** `GET /api/config`: how to reach the PeerServer. */
export interface ClientConfig {
  peer: { path: string; key: string };
  /**
   * How long a pre-join screen keeps its connections to the server open (connected early, so
   * that Join is quick) without anyone pressing Join; they reopen on the next interaction.
   */
  preconnectIdleSeconds: number;
}
