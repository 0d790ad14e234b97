// Every backend against an independent numpy transcription of TRL's loss formulas (v1.x and v0.28, see
// test/losses/peer_trl.py): per-row losses for 15 TRL loss types under 11 option sets. The expected values are the
// committed peer_trl.json; when python3 with numpy is available the script is run again and must reproduce it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LossColumns, LossOptions, LossType } from '../../src/kernels/losses.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { expectAllClose } from '../helpers/close.js';

interface Peer {
  rows: Record<string, number[]>;
  cases: { options: LossOptions; loss: Record<LossType, number[]> }[];
}

const FILE = 'test/losses/peer_trl.json';
const peer = JSON.parse(readFileSync(FILE, 'utf8')) as Peer;
const columns = Object.fromEntries(Object.entries(peer.rows).map(([k, v]) => [k, Float64Array.from(v)])) as unknown as LossColumns;

function numpyAvailable(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('losses against the numpy transcription of TRL', () => {
  it.skipIf(!numpyAvailable())('the peer script reproduces the committed values', () => {
    const fresh = JSON.parse(execFileSync('python3', ['test/losses/peer_trl.py', '--check'], { encoding: 'utf8' })) as Peer;
    expect(fresh.cases).toEqual(peer.cases);
  });

  for (const backend of ALL_BACKENDS) {
    it(`${backend}: every loss of every option set`, () => {
      const e = engineFor(backend);
      for (const c of peer.cases) {
        const got = e.dpoLosses(columns, c.options);
        for (const t of c.options.losses) {
          expectAllClose(got.loss[t]!, c.loss[t], { rtol: 1e-12, atol: 1e-13 }, `${JSON.stringify({ ...c.options, losses: undefined })} ${t}`);
        }
      }
    });
  }
});
