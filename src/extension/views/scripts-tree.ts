/**
 * The Training Scripts view: the workspace's training scripts, best first, each with its score
 * and strongest evidence, and under it the parameters Tunekit found (tunable, or why not). The
 * scan (src/detect/workspace-scan.ts) starts the first time the view asks for its items, never
 * at activation, shows its progress in the view, and is cancelled with the view. A saved Python
 * file is re-analysed alone, so the list stays current without rescanning.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeIfTraining } from '../../detect/analyze-script';
import type { ExtractedParam, ScriptAnalysis } from '../../detect/param-model';
import { TRAINING_SCRIPT_MIN_SCORE } from '../../detect/script-detection';
import { scanWorkspace } from '../../detect/workspace-scan';
import type { OutputLog } from '../log/output-log';
import { paramLabel, scriptDescription, scriptTooltip } from './script-label';

export const SCRIPTS_VIEW_ID = 'tunekit.scripts';

export type ScriptsNode =
  | { readonly kind: 'script'; readonly analysis: ScriptAnalysis; readonly resourceUri: vscode.Uri }
  | { readonly kind: 'param'; readonly param: ExtractedParam; readonly script: string };

export class ScriptsTreeProvider implements vscode.TreeDataProvider<ScriptsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ScriptsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private view: vscode.TreeView<ScriptsNode> | undefined;
  private scan: Promise<ScriptAnalysis[]> | undefined;
  private abort: AbortController | undefined;
  private found = new Map<string, ScriptAnalysis>();

  constructor(private readonly log: OutputLog) {
    vscode.workspace.onDidSaveTextDocument((doc) => void this.reanalyze(doc), undefined, this.disposables);
    vscode.workspace.onDidChangeWorkspaceFolders(() => this.rescan(), undefined, this.disposables);
  }

  attach(view: vscode.TreeView<ScriptsNode>): void {
    this.view = view;
  }

  /** The training scripts, scanning the workspace first if that has not happened yet. */
  scripts(): Promise<ScriptAnalysis[]> {
    this.scan ??= this.runScan();
    return this.scan;
  }

  rescan(): void {
    this.abort?.abort();
    this.scan = undefined;
    this.changed.fire(undefined);
  }

  getTreeItem(node: ScriptsNode): vscode.TreeItem {
    if (node.kind === 'script') {
      const relative = vscode.workspace.asRelativePath(node.resourceUri);
      const item = new vscode.TreeItem(path.basename(node.analysis.file), node.analysis.params.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `script:${node.analysis.file}`;
      item.resourceUri = node.resourceUri;
      item.description = `${path.dirname(relative) === '.' ? '' : `${path.dirname(relative)} · `}${scriptDescription(node.analysis)}`;
      item.tooltip = new vscode.MarkdownString(scriptTooltip(node.analysis, relative));
      item.contextValue = 'script';
      item.iconPath = new vscode.ThemeIcon('file-code');
      item.command = { command: 'vscode.open', title: 'Open Script', arguments: [node.resourceUri] };
      return item;
    }
    const label = paramLabel(node.param);
    const item = new vscode.TreeItem(label.label, vscode.TreeItemCollapsibleState.None);
    item.id = `param:${node.script}:${node.param.name}`;
    item.description = label.description;
    item.tooltip = new vscode.MarkdownString(label.tooltip);
    item.contextValue = node.param.tunable ? 'param' : 'param-not-tuned';
    item.iconPath = new vscode.ThemeIcon(node.param.tunable ? 'symbol-parameter' : 'circle-slash', node.param.tunable ? undefined : new vscode.ThemeColor('disabledForeground'));
    const at = new vscode.Position(Math.max(0, node.param.location.line - 1), Math.max(0, node.param.location.column - 1));
    item.command = { command: 'vscode.open', title: 'Go to Parameter', arguments: [vscode.Uri.file(node.param.location.file), { selection: new vscode.Range(at, at) }] };
    return item;
  }

  async getChildren(node?: ScriptsNode): Promise<ScriptsNode[]> {
    if (node?.kind === 'param') return [];
    if (node?.kind === 'script') return node.analysis.params.map((param) => ({ kind: 'param', param, script: node.analysis.file }));
    const scripts = await this.scripts();
    return scripts.map((analysis) => ({ kind: 'script', analysis, resourceUri: vscode.Uri.file(analysis.file) }));
  }

  private async runScan(): Promise<ScriptAnalysis[]> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const found = new Map<string, ScriptAnalysis>();
    const setMessage = (text: string | undefined): void => {
      if (this.view && !abort.signal.aborted) this.view.message = text;
    };
    try {
      await vscode.window.withProgress({ location: { viewId: SCRIPTS_VIEW_ID } }, async () => {
        for (const folder of folders) {
          let last = 0;
          const scripts = await scanWorkspace(folder.uri.fsPath, {
            signal: abort.signal,
            onProgress: (done, total) => {
              // The message is redrawn by VS Code on each set: a few times a second is enough.
              const now = Date.now();
              if (now - last < 250 && done !== total) return;
              last = now;
              setMessage(`Looking for training scripts: ${done} of ${total} Python files in ${folder.name}…`);
            },
            onSkip: (file, reason) => this.log.info(`scan: skipped ${file}: ${reason}`),
          });
          for (const s of scripts) if (s.score >= TRAINING_SCRIPT_MIN_SCORE) found.set(s.file, s);
        }
      });
    } catch (err) {
      if (abort.signal.aborted) return [];
      this.log.showErrorWithLog(`Tunekit could not scan the workspace for training scripts: ${(err as Error).message}`, err);
      setMessage('The scan failed; see the Tunekit log, then Refresh.');
      return [];
    }
    this.found = found;
    setMessage(
      found.size === 0
        ? folders.length === 0
          ? 'Open a folder to find its training scripts.'
          : 'No training scripts found (Python files that import an ML framework and train). Open a script and run "Tunekit: Tune This Script" to tune it anyway.'
        : undefined,
    );
    return this.sorted();
  }

  private sorted(): ScriptAnalysis[] {
    return [...this.found.values()].sort((a, b) => b.score - a.score || a.file.localeCompare(b.file));
  }

  /** A saved Python file joins, leaves or updates the list without a full rescan. */
  private async reanalyze(doc: vscode.TextDocument): Promise<void> {
    if (!this.scan || doc.languageId !== 'python' || doc.uri.scheme !== 'file') return;
    if (!vscode.workspace.getWorkspaceFolder(doc.uri)) return;
    await this.scan;
    const file = path.resolve(doc.uri.fsPath);
    let analysis: ScriptAnalysis | undefined;
    try {
      analysis = await analyzeIfTraining(file, doc.getText());
    } catch (err) {
      this.log.warn(`could not analyse ${file}: ${(err as Error).message}`);
      return;
    }
    const was = this.found.has(file);
    if (analysis && analysis.score >= TRAINING_SCRIPT_MIN_SCORE) this.found.set(file, analysis);
    else if (was) this.found.delete(file);
    else return;
    this.scan = Promise.resolve(this.sorted());
    if (this.view && this.found.size > 0) this.view.message = undefined;
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.abort?.abort();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
