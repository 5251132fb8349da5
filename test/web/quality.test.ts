/** The quality levels (web/rtc/quality.ts), at and around each written-down threshold. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assess, describeQuality, type QualitySample } from '../../web/rtc/quality.js';

const ok: QualitySample = { rttMs: 40, lossPercent: 0, jitterMs: 5, fps: 20, videoExpected: true };

describe('connection quality', () => {
  it('good only under every good threshold', () => {
    assert.equal(assess(ok), 'good');
    assert.equal(assess({ ...ok, lossPercent: 4.9, rttMs: 299, jitterMs: 29, fps: 15 }), 'good');
    assert.equal(assess({ ...ok, fps: undefined, videoExpected: false }), 'good', 'camera off: frames are not expected');
  });

  it('fair between', () => {
    for (const change of [{ lossPercent: 5 }, { rttMs: 300 }, { jitterMs: 30 }, { fps: 14 }]) {
      assert.equal(assess({ ...ok, ...change }), 'fair', JSON.stringify(change));
    }
  });

  it('poor at any bad threshold, or frozen video', () => {
    for (const change of [{ lossPercent: 10 }, { rttMs: 600 }, { jitterMs: 100 }, { fps: 4.9 }, { fps: 0 }, { fps: undefined }]) {
      assert.equal(assess({ ...ok, ...change }), 'poor', JSON.stringify(change));
    }
  });

  it('says a relayed route in words', () => {
    const lines = describeQuality({ ...ok, level: 'good', width: 640, height: 360, bitrateKbps: 812.4, codec: 'VP8', path: 'relay' });
    assert.deepEqual(lines, [
      '640×360, 20 fps',
      '812 kbit/s · VP8',
      'Round trip 40 ms',
      'Packet loss 0.0 %',
      'Jitter 5 ms',
      'Relayed through TURN',
    ]);
  });
});
