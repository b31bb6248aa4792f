/** Fake nvidia-smi executables for tests: bash scripts in a temp dir that print canned output. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { tempDir } from '../../helpers/temp-dir';

export const FOUR_GPUS = `0, GPU-1a2b3c4d-0000-1111-2222-333344445555, NVIDIA A100-SXM4-80GB, 81920
1, GPU-1a2b3c4d-0000-1111-2222-333344445556, NVIDIA A100-SXM4-80GB, 81920
2, GPU-9f8e7d6c-0000-1111-2222-333344445557, NVIDIA GeForce RTX 3090, 24576
3, [N/A], Tesla T4, [N/A]
`;

/** Writes an executable `nvidia-smi` that records its argv and prints `stdout`. */
export function fakeNvidiaSmi(t: TestContext, stdout: string, options: { exitCode?: number; stderr?: string; sleep?: number } = {}): string {
  const dir = tempDir(t);
  const file = path.join(dir, 'nvidia-smi');
  fs.writeFileSync(path.join(dir, 'out.txt'), stdout);
  fs.writeFileSync(
    file,
    `#!/usr/bin/env bash
printf '%s\\n' "$@" > "${dir}/argv.txt"
${options.sleep ? `sleep ${options.sleep}` : ''}
cat "${dir}/out.txt"
${options.stderr ? `echo ${JSON.stringify(options.stderr)} >&2` : ''}
exit ${options.exitCode ?? 0}
`,
    { mode: 0o755 },
  );
  return file;
}
