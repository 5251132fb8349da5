/**
 * ICE servers for browsers. With TURN_SECRET, each answer carries fresh TURN credentials in the
 * REST scheme coturn's `use-auth-secret` checks: username `expiry:id`, password
 * base64(HMAC-SHA1(secret, username)). Nothing long-lived ever reaches a browser.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import type { IceServers } from '../../protocol/contract.js';

export type IceAnswer = IceServers;

export function turnCredentials(secret: string, ttlSeconds: number, nowMs: number): { username: string; credential: string } {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${randomBytes(6).toString('hex')}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

export function iceAnswer(config: Config, nowMs = Date.now()): IceAnswer {
  const answer: IceAnswer = { iceServers: [...config.iceServers], iceTransportPolicy: config.iceTransportPolicy };
  if (config.turn) {
    const { secret, urls, ttlSeconds } = config.turn;
    answer.iceServers.push({ urls, ...turnCredentials(secret, ttlSeconds, nowMs) });
    answer.ttlSeconds = ttlSeconds;
  }
  return answer;
}
