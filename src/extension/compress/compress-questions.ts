/**
 * The questions "Compress Checkpoint…" asks, each a small VS Code prompt over the pure choices
 * of compress-choices.ts: which checkpoint (only when run from the palette without a file),
 * which method (a sparsity when the method needs one), and which verification inputs (skipped
 * by default; the last file picked for a model is offered again, kept in workspaceState).
 * Each returns undefined when the user dismisses it: the command then stops without a word.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readStudyFile } from '../../cli/study-file';
import type { CheckpointFormat, CompressionMethod } from '../../protocol/compression';
import { formatBytes } from '../../protocol/compression-method-label';
import { CHECKPOINT_GLOB, methodChoices, parseSparsity } from './compress-choices';
import type { MethodChoice } from './compress-choices';

/** Folders that hold other people's files or caches, never the user's checkpoints. */
const EXCLUDE_GLOB = '{**/node_modules/**,**/.git/**,**/.venv/**,**/venv/**,**/__pycache__/**,**/site-packages/**}';
const MAX_CHECKPOINTS = 500;
const INPUTS_KEY = 'tunekit.compress.inputs';

/** The workspace's checkpoints in a quick pick, the most recently changed first. */
export async function pickCheckpoint(): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles(CHECKPOINT_GLOB, EXCLUDE_GLOB, MAX_CHECKPOINTS);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('Tunekit found no checkpoint (.onnx, .safetensors, .pt, .pth) in this workspace. Export your model, then right-click its file in the Explorer and choose "Compress Checkpoint…".');
    return undefined;
  }
  const dated = files.map((uri) => ({ uri, stat: fs.statSync(uri.fsPath, { throwIfNoEntry: false }) })).filter((f) => f.stat?.isFile());
  dated.sort((a, b) => (b.stat?.mtimeMs ?? 0) - (a.stat?.mtimeMs ?? 0));
  const picked = await vscode.window.showQuickPick(
    dated.map((f) => ({ label: path.basename(f.uri.fsPath), description: vscode.workspace.asRelativePath(path.dirname(f.uri.fsPath)), detail: formatBytes(f.stat?.size ?? 0), uri: f.uri })),
    { title: 'Compress Checkpoint: which model?', placeHolder: 'Checkpoints in this workspace, most recent first', matchOnDescription: true },
  );
  return picked?.uri;
}

/** The method, with its sparsity asked for where the row needs one. */
export async function pickMethod(model: string, format: CheckpointFormat): Promise<CompressionMethod | undefined> {
  type Item = vscode.QuickPickItem & { choice?: MethodChoice };
  const items: Item[] = [];
  let group = '';
  for (const choice of methodChoices(format)) {
    if (choice.group !== group) {
      group = choice.group;
      items.push({ label: group, kind: vscode.QuickPickItemKind.Separator });
    }
    items.push({ label: choice.label, ...(choice.description ? { description: choice.description } : {}), detail: choice.detail, choice });
  }
  const picked = await vscode.window.showQuickPick(items, { title: `Compress ${path.basename(model)}`, placeHolder: 'How to compress it (the original file is never changed)', matchOnDetail: true });
  const choice = picked?.choice;
  if (!choice) return undefined;
  if (choice.method) return choice.method;
  const scope = choice.customScope ?? 'global';
  const text = await vscode.window.showInputBox({
    title: `Prune ${path.basename(model)} ${scope === 'global' ? 'globally' : 'per layer'}`,
    prompt: 'Share of the eligible weights to set to zero',
    value: '70%',
    valueSelection: [0, 2],
    validateInput: (value) => {
      const parsed = parseSparsity(value);
      return 'problem' in parsed ? parsed.problem : undefined;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseSparsity(text);
  return 'sparsity' in parsed ? { kind: 'prune', pattern: 'unstructured', scope, sparsity: parsed.sparsity } : undefined;
}

/**
 * Verification inputs: none by default (the CLI generates them from the model's input shapes),
 * the file used last time for this model, or a file to choose. Returns null for "none".
 */
export async function pickInputsFile(context: vscode.ExtensionContext, model: string): Promise<string | null | undefined> {
  const remembered = context.workspaceState.get<Record<string, string>>(INPUTS_KEY) ?? {};
  const last = remembered[model];
  type Item = vscode.QuickPickItem & { value: 'none' | 'last' | 'choose' };
  const items: Item[] = [
    { label: 'Generated inputs', description: 'default', detail: "random inputs shaped like the model's inputs: output agreement, no accuracy", value: 'none' },
    ...(last && fs.existsSync(last) ? [{ label: path.basename(last), description: 'used last time', detail: last, value: 'last' as const }] : []),
    { label: 'Choose an inputs file…', detail: 'your own samples: safetensors, .npy or JSON (with "labels", accuracy before and after is measured too)', value: 'choose' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `Verify ${path.basename(model)}: on which inputs?`, placeHolder: 'Both models run on the same inputs and their outputs are compared' });
  if (!picked) return undefined;
  if (picked.value === 'none') return null;
  if (picked.value === 'last' && last) return last;
  const chosen = await vscode.window.showOpenDialog({
    title: 'Verification inputs',
    canSelectMany: false,
    defaultUri: vscode.Uri.file(path.dirname(last ?? model)),
    openLabel: 'Use These Inputs',
    // What the CLI reads (--inputs): safetensors named after the model's inputs (plus "labels"), one .npy, or JSON.
    filters: { 'Inputs (safetensors, NumPy, JSON)': ['safetensors', 'npy', 'json'], 'All files': ['*'] },
  });
  const file = chosen?.[0]?.fsPath;
  if (!file) return undefined;
  await context.workspaceState.update(INPUTS_KEY, { ...remembered, [model]: file });
  return file;
}

/**
 * A study file with an "evaluate" command for the model, so the CLI runs that command on both
 * checkpoints and reports the metric before and after: of the workspace's study files in the
 * model's folder or above it, the nearest that has one. Unreadable study files are skipped (the
 * reason goes to `onProblem`): evaluation is an extra, never a reason to fail.
 */
export async function findStudyFileFor(model: string, onProblem: (message: string) => void): Promise<string | undefined> {
  const files = await vscode.workspace.findFiles('**/*.tunekit.json', EXCLUDE_GLOB, 50);
  const candidates: { file: string; depth: number }[] = [];
  for (const uri of files) {
    const rel = path.relative(path.dirname(uri.fsPath), path.dirname(model));
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue; // not in a folder above the model
    candidates.push({ file: uri.fsPath, depth: rel === '' ? 0 : rel.split(path.sep).length });
  }
  candidates.sort((a, b) => a.depth - b.depth || a.file.localeCompare(b.file));
  for (const { file } of candidates) {
    try {
      if (readStudyFile(file).evaluate) return file;
    } catch (err) {
      onProblem(`skipped the study file ${file} for evaluation: ${(err as Error).message}`);
    }
  }
  return undefined;
}

