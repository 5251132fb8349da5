/**
 * Runs every benchmark, one after another (never two at once: they share 2 cores), each in its
 * own process. `npm run bench` builds the app first. Exits non-zero only if a benchmark broke.
 */
import { spawnSync } from 'node:child_process';
import { ROOT } from './lib.js';

const BENCHMARKS = ['client-weight', 'call-setup', 'signaling', 'recovery'];

const failed: string[] = [];
for (const name of BENCHMARKS) {
  console.log(`\n# ${name}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) failed.push(`${name} (exit ${result.status ?? result.signal})`);
}
console.log(failed.length ? `\nbroken: ${failed.join(', ')}` : '\nall benchmarks ran; results in bench/results/');
process.exit(failed.length ? 1 : 0);
