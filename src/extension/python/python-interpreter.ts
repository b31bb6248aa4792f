/**
 * Which Python runs the trials: the `tunekit.pythonPath` setting when the user set one, else the
 * study file's "python" (the CLI reads it itself), else the interpreter selected in the Python
 * extension (its public API: environments.getActiveEnvironmentPath + resolveEnvironment, see
 * microsoft/vscode-python's `@vscode/python-extension`), else `python3` on PATH. Asking the
 * Python extension never fails the run: any error there falls through to `python3`, with the
 * reason handed to the caller's log.
 *
 * Only `import type` from vscode, and the extension handle is passed in, so this is unit-tested
 * with fakes.
 */
import type * as vscode from 'vscode';

export const PYTHON_EXTENSION_ID = 'ms-python.python';

/** The part of the Python extension's exported API used here. */
interface PythonEnvironmentsApi {
  readonly environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { readonly id: string; readonly path: string } | undefined;
    resolveEnvironment(environment: { readonly id: string; readonly path: string } | string): Promise<{ readonly executable?: { readonly uri?: { readonly fsPath: string } } } | undefined>;
  };
}

/** What `vscode.extensions.getExtension('ms-python.python')` returns, structurally. */
export interface PythonExtensionHandle {
  readonly isActive: boolean;
  readonly exports: unknown;
  activate(): Thenable<unknown>;
}

export interface InterpreterChoice {
  /** Undefined: let the CLI take the study file's "python". */
  readonly python: string | undefined;
  readonly source: 'setting' | 'study file' | 'python extension' | 'default';
}

export interface InterpreterOptions {
  /** `tunekit.pythonPath`, trimmed; empty when unset. */
  readonly configured: string;
  /** The study file's "python", if it names one. */
  readonly studyFilePython?: string;
  readonly pythonExtension: PythonExtensionHandle | undefined;
  /** The script or study file, so a multi-root workspace gets that folder's interpreter. */
  readonly resource?: vscode.Uri;
  readonly onProblem?: (message: string) => void;
}

export async function choosePythonInterpreter(options: InterpreterOptions): Promise<InterpreterChoice> {
  if (options.configured) return { python: options.configured, source: 'setting' };
  if (options.studyFilePython) return { python: undefined, source: 'study file' };
  const fromExtension = await activeInterpreter(options.pythonExtension, options.resource, options.onProblem);
  if (fromExtension) return { python: fromExtension, source: 'python extension' };
  return { python: 'python3', source: 'default' };
}

async function activeInterpreter(handle: PythonExtensionHandle | undefined, resource: vscode.Uri | undefined, onProblem: ((m: string) => void) | undefined): Promise<string | undefined> {
  if (!handle) return undefined;
  try {
    const api = (handle.isActive ? handle.exports : await handle.activate()) as PythonEnvironmentsApi | undefined;
    const environments = api?.environments;
    if (!environments) return undefined; // an old Python extension without the environments API
    const active = environments.getActiveEnvironmentPath(resource);
    if (!active) return undefined;
    const resolved = await environments.resolveEnvironment(active);
    // For a conda environment without Python, `path` is its folder: only an executable will do.
    return resolved?.executable?.uri?.fsPath || undefined;
  } catch (err) {
    onProblem?.(`could not ask the Python extension for its interpreter (${(err as Error).message}); using python3`);
    return undefined;
  }
}
