/** The HTTP API's answers (`/api/...`), as the server sends them and the web reads them. */

/** `GET /api/config`: how to reach the PeerServer. */
export interface ClientConfig {
  peer: { path: string; key: string };
  /**
   * How long a pre-join screen keeps its connections to the server open (connected early, so
   * that Join is quick) without anyone pressing Join; they reopen on the next interaction.
   */
  preconnectIdleSeconds: number;
  /**
   * What a client's camera and screen may send over all its connections together, in kbit/s:
   * split across the others by the size each shows it at, a shared screen first.
   */
  uplinkBudgetKbps: number;
  /** The largest file a person may send or receive in a call, in MB (files go person to person). */
  maxFileMb?: number;
}
