/** The HTTP API's answers (`/api/...`), as the server sends them and the web reads them. */

/** `GET /api/config`: how to reach the PeerServer. */
export interface ClientConfig {
  peer: { path: string; key: string };
}
