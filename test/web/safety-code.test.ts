/**
 * The safety code (issue 14, web/rtc/safety-code.ts): the same for both sides of a connection
 * (the two fingerprints in either order), and different when either fingerprint changes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safetyCode } from '../../web/rtc/safety-code.js';

const ALICE = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
const BOB = '10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE';
const MALLORY = '10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FF';

describe('safety code', () => {
  it('is five groups of five digits and five emoji', async () => {
    const code = await safetyCode(ALICE, BOB);
    assert.match(code.digits, /^\d{5} \d{5} \d{5} \d{5} \d{5}$/);
    assert.equal([...code.emoji].length, 5);
  });

  it('is the same on both sides: the order of the fingerprints does not matter, nor their case', async () => {
    assert.deepEqual(await safetyCode(ALICE, BOB), await safetyCode(BOB, ALICE));
    assert.deepEqual(await safetyCode(ALICE.toLowerCase(), BOB), await safetyCode(BOB, ALICE));
  });

  it('changes when either fingerprint changes, even by one bit', async () => {
    const honest = await safetyCode(ALICE, BOB);
    const otherRemote = await safetyCode(ALICE, MALLORY);
    const otherLocal = await safetyCode(MALLORY, BOB);
    assert.notEqual(otherRemote.digits, honest.digits);
    assert.notEqual(otherLocal.digits, honest.digits);
    assert.notEqual(otherRemote.emoji + otherLocal.emoji, honest.emoji + honest.emoji);
  });
});
