/**
 * Asking for smaller video under CPU pressure (web/rtc/cpu-pressure.ts, view-steps.ts): one step
 * down at `serious` or `critical`, back only at `nominal` (never flapping at `fair`), and the
 * steps themselves. The browser's side is in test/e2e/view-sizes.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextConstrained } from '../../web/rtc/cpu-pressure.js';
import { viewStep } from '../../web/rtc/view-steps.js';

describe('CPU pressure', () => {
  it('constrains at serious or critical, releases only at nominal', () => {
    assert.equal(nextConstrained(false, 'fair'), false);
    assert.equal(nextConstrained(false, 'serious'), true);
    assert.equal(nextConstrained(false, 'critical'), true);
    assert.equal(nextConstrained(true, 'fair'), true, 'fair keeps it constrained: no flapping');
    assert.equal(nextConstrained(true, 'nominal'), false);
    assert.equal(nextConstrained(true, undefined), true);
  });

  it('asks one view step smaller when constrained, never below the smallest', () => {
    assert.equal(viewStep(350), 360);
    assert.equal(viewStep(350, 1), 240);
    assert.equal(viewStep(210), 240);
    assert.equal(viewStep(210, 1), 180);
    assert.equal(viewStep(60, 1), 90);
    assert.equal(viewStep(5000), 2160);
    assert.equal(viewStep(5000, 1), 1440);
  });
});
