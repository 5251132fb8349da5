/**
 * The media policy's pure parts (issue 12): how the uplink budget is split (web/rtc/uplink.ts),
 * and the Opus parameters every description asks for (web/rtc/opus.ts). The mesh applying them
 * in Chromium is shown in test/e2e/view-sizes.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tuneOpus } from '../../web/rtc/opus.js';
import { AUDIO_BPS, CAMERA_MIN_BPS, SCREEN_MAX_BPS, splitUplink, usefulBps } from '../../web/rtc/uplink.js';

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

describe('the uplink budget', () => {
  it('weights the cameras by the area each receiver shows them at', () => {
    const plan = splitUplink(
      1_000_000,
      new Map([
        ['big', 360],
        ['small', 180],
      ]),
      0,
    );
    const big = plan.cameras.get('big')!;
    const small = plan.cameras.get('small')!;
    assert.ok(Math.abs(big / small - 4) < 0.01, `${big} / ${small}`);
    assert.ok(sum(plan.cameras.values()) + 2 * AUDIO_BPS <= 1_000_000);
    assert.equal(plan.screen, 0);
  });

  it('gives nothing to a receiver that shows nothing, and its share to the others', () => {
    const plan = splitUplink(
      600_000,
      new Map([
        ['a', 720],
        ['hidden', 0],
      ]),
      0,
    );
    assert.equal(plan.cameras.get('hidden'), 0);
    assert.equal(plan.cameras.get('a'), 600_000 - 2 * AUDIO_BPS);
  });

  it('never gives a camera more than its size is worth, and passes the rest on', () => {
    const plan = splitUplink(
      2_500_000,
      new Map([
        ['thumb', 90],
        ['large', 720],
      ]),
      0,
    );
    assert.equal(plan.cameras.get('thumb'), Math.max(CAMERA_MIN_BPS, usefulBps(90)));
    assert.equal(plan.cameras.get('large'), Math.min(usefulBps(720), 2_500_000 - 2 * AUDIO_BPS - plan.cameras.get('thumb')!));
  });

  it('counts a receiver that has not said its size as a medium tile', () => {
    const plan = splitUplink(
      1_000_000,
      new Map<string, number | undefined>([
        ['unknown', undefined],
        ['known', 360],
      ]),
      0,
    );
    assert.equal(plan.cameras.get('unknown'), plan.cameras.get('known'));
  });

  it('serves a shared screen first, within the budget', () => {
    const heights = new Map([
      ['a', 360],
      ['b', 360],
      ['c', 360],
    ]);
    const plan = splitUplink(2_500_000, heights, 3);
    const camera = plan.cameras.get('a')!;
    assert.ok(plan.screen > camera, `screen ${plan.screen} > camera ${camera}`);
    assert.ok(plan.screen * 3 + sum(plan.cameras.values()) + 3 * AUDIO_BPS <= 2_500_000);
    const withoutScreen = splitUplink(2_500_000, heights, 0);
    assert.ok(withoutScreen.cameras.get('a')! > camera, 'the cameras give way to the screen');
    assert.ok(splitUplink(100_000_000, heights, 1).screen <= SCREEN_MAX_BPS);
  });

  it('keeps every shown camera above the floor on a tiny budget', () => {
    const plan = splitUplink(
      300_000,
      new Map([
        ['a', 720],
        ['b', 720],
        ['c', 720],
        ['d', 720],
        ['e', 720],
      ]),
      1,
    );
    for (const bps of plan.cameras.values()) assert.ok(bps >= CAMERA_MIN_BPS);
  });
});

const CHROME_OFFER = [
  'v=0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'a=rtpmap:96 VP8/90000',
  '',
].join('\r\n');

describe('Opus with FEC and DTX', () => {
  it('asks for both on the Opus format line, keeping its other parameters and nothing else', () => {
    const tuned = tuneOpus(CHROME_OFFER);
    assert.match(tuned, /\r\na=fmtp:111 minptime=10;useinbandfec=1;usedtx=1\r\n/);
    assert.match(tuned, /\r\na=fmtp:63 111\/111\r\n/, 'RED untouched');
    assert.equal(tuned.split('\r\n').length, CHROME_OFFER.split('\r\n').length);
    assert.equal(tuneOpus(tuned), tuned, 'idempotent');
  });

  it('turns off-values on and adds a format line where there was none', () => {
    const off = CHROME_OFFER.replace('minptime=10;useinbandfec=1', 'useinbandfec=0;usedtx=0;minptime=10');
    assert.match(tuneOpus(off), /a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1\r\n/);
    const bare = CHROME_OFFER.replace('a=fmtp:111 minptime=10;useinbandfec=1\r\n', '');
    assert.match(tuneOpus(bare), /a=rtpmap:111 opus\/48000\/2\r\na=fmtp:111 useinbandfec=1;usedtx=1\r\n/);
  });

  it('leaves a description without Opus as it was', () => {
    const video = 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n';
    assert.equal(tuneOpus(video), video);
  });
});
