/**
 * detectGpus against fake nvidia-smi executables (bash scripts in a temp dir), found both by
 * path and by PATH lookup, so the real execa call and the real parsing run.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { NVIDIA_SMI_ARGS, detectGpus, parseNvidiaSmiCsv } from '../../../src/engine/gpu/nvidia-smi';
import { tempDir } from '../../helpers/temp-dir';
import { FOUR_GPUS, fakeNvidiaSmi } from './fake-nvidia-smi';

describe('detectGpus', () => {
  test('reads four GPUs, including [N/A] fields and spaces in names', async (t) => {
    const command = fakeNvidiaSmi(t, FOUR_GPUS);
    const { gpus, note } = await detectGpus({ command });
    assert.equal(note, null);
    assert.deepEqual(gpus, [
      { index: 0, uuid: 'GPU-1a2b3c4d-0000-1111-2222-333344445555', name: 'NVIDIA A100-SXM4-80GB', memoryTotalMiB: 81920 },
      { index: 1, uuid: 'GPU-1a2b3c4d-0000-1111-2222-333344445556', name: 'NVIDIA A100-SXM4-80GB', memoryTotalMiB: 81920 },
      { index: 2, uuid: 'GPU-9f8e7d6c-0000-1111-2222-333344445557', name: 'NVIDIA GeForce RTX 3090', memoryTotalMiB: 24576 },
      { index: 3, uuid: '', name: 'Tesla T4', memoryTotalMiB: null },
    ]);
    assert.deepEqual(fs.readFileSync(path.join(path.dirname(command), 'argv.txt'), 'utf8').trim().split('\n'), [...NVIDIA_SMI_ARGS]);
  });

  test('finds nvidia-smi on PATH', async (t) => {
    const command = fakeNvidiaSmi(t, FOUR_GPUS);
    const { gpus } = await detectGpus({ env: { PATH: `${path.dirname(command)}:${process.env.PATH ?? ''}` } });
    assert.equal(gpus.length, 4);
  });

  test('no nvidia-smi: no GPUs and a note saying why', async (t) => {
    const dir = tempDir(t);
    const { gpus, note } = await detectGpus({ command: path.join(dir, 'nvidia-smi') });
    assert.deepEqual(gpus, []);
    assert.match(note ?? '', /was not found, so trials run on the CPU/);
    const onPath = await detectGpus({ command: 'tunekit-no-such-nvidia-smi' });
    assert.deepEqual(onPath.gpus, []);
    assert.match(onPath.note ?? '', /not found/);
  });

  test('a failing nvidia-smi (no driver) gives its own message', async (t) => {
    const message = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.";
    const command = fakeNvidiaSmi(t, '', { exitCode: 9, stderr: message });
    const { gpus, note } = await detectGpus({ command });
    assert.deepEqual(gpus, []);
    assert.match(note ?? '', /exited with code 9: NVIDIA-SMI has failed because it couldn't communicate/);
  });

  test('garbage output is not mistaken for GPUs', async (t) => {
    const command = fakeNvidiaSmi(t, 'Segmentation fault\n\x00\x01binary\n,,,\nfoo, bar, baz, qux\n');
    const { gpus, note } = await detectGpus({ command });
    assert.deepEqual(gpus, []);
    assert.match(note ?? '', /could not read/);
  });

  test('good rows survive next to bad ones', async (t) => {
    const command = fakeNvidiaSmi(t, `${FOUR_GPUS}WARNING: infoROM is corrupted at gpu 0000:01:00.0\n`);
    const { gpus, note } = await detectGpus({ command });
    assert.equal(gpus.length, 4);
    assert.match(note ?? '', /1 line\(s\) Tunekit could not read, e\.g\. "WARNING: infoROM/);
  });

  test('an empty answer means no GPUs', async (t) => {
    const { gpus, note } = await detectGpus({ command: fakeNvidiaSmi(t, '') });
    assert.deepEqual(gpus, []);
    assert.match(note ?? '', /listed no GPUs/);
  });

  test('a hung nvidia-smi is given up on', async (t) => {
    const started = Date.now();
    const { gpus, note } = await detectGpus({ command: fakeNvidiaSmi(t, FOUR_GPUS, { sleep: 10 }), timeoutMs: 300 });
    assert.deepEqual(gpus, []);
    assert.match(note ?? '', /did not answer within 300 ms/);
    assert.ok(Date.now() - started < 5000);
  });
});

describe('parseNvidiaSmiCsv', () => {
  test('a comma inside a name does not shift the memory column; CRLF and duplicates', () => {
    const { gpus, unreadable } = parseNvidiaSmiCsv('1, GPU-b, Quadro RTX 8000, Rev A, 49152\r\n0, GPU-a, Tesla V100, 16160.5\r\n0, GPU-a, Tesla V100, 16160\r\n');
    assert.deepEqual(gpus, [
      { index: 0, uuid: 'GPU-a', name: 'Tesla V100', memoryTotalMiB: 16160.5 },
      { index: 1, uuid: 'GPU-b', name: 'Quadro RTX 8000, Rev A', memoryTotalMiB: 49152 },
    ]);
    assert.equal(unreadable.length, 1);
  });
});
