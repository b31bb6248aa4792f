import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PythonExtensionHandle } from '../../../../src/extension/python/python-interpreter';
import { choosePythonInterpreter } from '../../../../src/extension/python/python-interpreter';

/** A stand-in for ms-python.python's exported API (environments.getActiveEnvironmentPath / resolveEnvironment). */
function pythonExtension(executable: string | undefined, options: { active?: boolean; throws?: boolean } = {}): PythonExtensionHandle & { activations: number } {
  const api = {
    environments: {
      getActiveEnvironmentPath: () => {
        if (options.throws) throw new Error('not ready');
        return { id: 'env', path: '/envs/conda-env' };
      },
      resolveEnvironment: async (env: unknown) => {
        assert.deepEqual(env, { id: 'env', path: '/envs/conda-env' });
        return executable === undefined ? { executable: {} } : { executable: { uri: { fsPath: executable } } };
      },
    },
  };
  const handle = {
    activations: 0,
    isActive: options.active ?? true,
    exports: options.active === false ? undefined : api,
    activate: async () => {
      handle.activations++;
      return api;
    },
  };
  return handle;
}

test('the tunekit.pythonPath setting wins over everything', async () => {
  const choice = await choosePythonInterpreter({ configured: '/usr/bin/python3', studyFilePython: 'py', pythonExtension: pythonExtension('/venv/bin/python') });
  assert.deepEqual(choice, { python: '/usr/bin/python3', source: 'setting' });
});

test('a study file that names its interpreter is left to the CLI', async () => {
  const choice = await choosePythonInterpreter({ configured: '', studyFilePython: '.venv/bin/python', pythonExtension: pythonExtension('/venv/bin/python') });
  assert.deepEqual(choice, { python: undefined, source: 'study file' });
});

test('else the Python extension\'s selected interpreter, activating the extension when needed', async () => {
  assert.deepEqual(await choosePythonInterpreter({ configured: '', pythonExtension: pythonExtension('/venv/bin/python') }), { python: '/venv/bin/python', source: 'python extension' });
  const inactive = pythonExtension('/venv/bin/python', { active: false });
  assert.deepEqual(await choosePythonInterpreter({ configured: '', pythonExtension: inactive }), { python: '/venv/bin/python', source: 'python extension' });
  assert.equal(inactive.activations, 1);
});

test('no extension, an environment without an executable, or an API error all end at python3', async () => {
  assert.deepEqual(await choosePythonInterpreter({ configured: '', pythonExtension: undefined }), { python: 'python3', source: 'default' });
  assert.deepEqual(await choosePythonInterpreter({ configured: '', pythonExtension: pythonExtension(undefined) }), { python: 'python3', source: 'default' });
  const problems: string[] = [];
  const choice = await choosePythonInterpreter({ configured: '', pythonExtension: pythonExtension('/x', { throws: true }), onProblem: (m) => problems.push(m) });
  assert.deepEqual(choice, { python: 'python3', source: 'default' });
  assert.match(problems[0] ?? '', /could not ask the Python extension for its interpreter \(not ready\); using python3/);
  const old: PythonExtensionHandle = { isActive: true, exports: { settings: {} }, activate: async () => ({}) };
  assert.deepEqual(await choosePythonInterpreter({ configured: '', pythonExtension: old }), { python: 'python3', source: 'default' });
});
