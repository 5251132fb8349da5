/**
 * The element's shipped types (issue 13): test/types/consumer.ts, a page's own TypeScript that
 * uses every method and event, type-checks against dist/web/call-room.d.ts alone (run after
 * `npm run build`). A drift in the types fails here.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

describe('call-room.d.ts', () => {
  it('types a page that uses every method and event (and refuses wrong uses)', () => {
    assert.ok(existsSync('dist/web/call-room.d.ts'), 'npm run build makes dist/web/call-room.d.ts');
    try {
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'test/types'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      assert.fail(`the consumer does not type-check against call-room.d.ts:\n${(error as { stdout?: string }).stdout}`);
    }
  });

  it('declares the tag and its events for the page, and stays free of imports', () => {
    const shipped = readFileSync('dist/web/call-room.d.ts', 'utf8');
    assert.match(shipped, /'call-room': CallRoomElement;/);
    assert.match(shipped, /interface HTMLElementEventMap extends CallRoomEventMap \{\}/);
    assert.doesNotMatch(shipped, /^import /m);
  });

  it('custom-elements.json describes every public event, attribute, custom property and part', () => {
    const shipped = readFileSync('dist/web/call-room.d.ts', 'utf8');
    const eventMap = shipped.slice(shipped.indexOf('interface CallRoomEventMap'), shipped.indexOf('interface CallRoomElement'));
    const events = [...eventMap.matchAll(/^\s+'?([a-z-]+)'?: CustomEvent/gm)].map((m) => m[1]);
    assert.equal(events.length, 18);
    const manifest = JSON.parse(readFileSync('dist/web/custom-elements.json', 'utf8')) as {
      modules: Array<{
        declarations: Array<{
          tagName?: string;
          events?: Array<{ name: string }>;
          attributes?: Array<{ name: string }>;
          cssProperties?: Array<{ name: string }>;
          cssParts?: Array<{ name: string }>;
        }>;
      }>;
    };
    const element = manifest.modules.flatMap((m) => m.declarations).find((d) => d.tagName === 'call-room')!;
    const names = (list?: Array<{ name: string }>) => (list ?? []).map((x) => x.name).sort();
    assert.deepEqual(names(element.events), [...events].sort());
    assert.deepEqual(names(element.attributes), [
      'autojoin',
      'camera',
      'lang',
      'layout',
      'microphone',
      'name',
      'prejoin',
      'room',
      'server',
      'ticket',
    ]);
    assert.deepEqual(
      names(element.cssProperties),
      ['accent', 'background', 'font', 'foreground', 'radius', 'tile-gap'].map((n) => `--call-room-${n}`),
    );
    assert.deepEqual(names(element.cssParts), ['controls', 'ended', 'panel', 'prejoin', 'stage', 'tile']);
  });
});
