/** The call server's public settings (/api/config): where its PeerServer listens, and its key. */
import type { ClientConfig } from '../../protocol/api.js';
import { SignalingError } from './room-signaling.js';

async function getJson<T>(url: URL): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store' });
  } catch {
    throw new SignalingError('unreachable', 'Could not reach the call server: check your connection');
  }
  if (!response.ok) throw new SignalingError('config', `The call server answered ${response.status}`);
  return (await response.json()) as T;
}

export const fetchServerConfig = (server: URL) => getJson<ClientConfig>(new URL('/api/config', server));
