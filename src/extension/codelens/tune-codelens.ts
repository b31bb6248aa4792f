/**
 * "$(rocket) Tune this script" above a Python file that analysis says trains a model, and
 * "$(graph) Open dashboard" when a study of it exists. The analysis runs on the editor's text
 * (unsaved edits count), once per document version, and only for files whose text mentions an
 * ML import or a training signal (a regex, so most Python files are never parsed).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeIfTraining } from '../../detect/analyze-script';
import { TRAINING_SCRIPT_MIN_SCORE, mayContainTrainingSignals } from '../../detect/script-detection';
import type { OutputLog } from '../log/output-log';
import type { StudyLocator } from '../studies/study-locator';

interface Verdict {
  readonly version: number;
  readonly training: boolean;
}

export class TuneCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly verdicts = new Map<string, Promise<Verdict>>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Which scripts have studies, as of the last redraw: lenses change only when this does. */
  private studied = '';

  constructor(
    private readonly locator: StudyLocator,
    private readonly log: OutputLog,
  ) {
    locator.onDidChange(() => this.onStudiesChanged(), undefined, this.disposables);
    vscode.workspace.onDidCloseTextDocument((doc) => this.verdicts.delete(doc.uri.toString()), undefined, this.disposables);
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (document.uri.scheme !== 'file' || !vscode.workspace.isTrusted) return [];
    // A Python file is open: time to know which studies exist, for the dashboard lens.
    void this.locator.start();
    const verdict = await this.verdict(document);
    if (!verdict.training || token.isCancellationRequested) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [new vscode.CodeLens(top, { title: '$(rocket) Tune this script', tooltip: 'Tunekit: propose a search space and start a study', command: 'tunekit.tuneScript', arguments: [document.uri] })];
    const study = this.locator.catalog.studiesForScript(document.uri.fsPath)[0];
    if (study) {
      lenses.push(
        new vscode.CodeLens(top, {
          title: '$(graph) Open dashboard',
          tooltip: `Tunekit: the dashboard of study "${study.name}"`,
          command: 'tunekit.openDashboard',
          arguments: [{ journal: study.journal, studyName: study.name }],
        }),
      );
    }
    return lenses;
  }

  private verdict(document: vscode.TextDocument): Promise<Verdict> {
    const key = document.uri.toString();
    const cached = this.verdicts.get(key);
    const version = document.version;
    const fresh = cached?.then((v) => (v.version === version ? v : undefined));
    const next = (async (): Promise<Verdict> => {
      const known = await fresh;
      if (known) return known;
      const text = document.getText();
      if (!mayContainTrainingSignals(text)) return { version, training: false };
      try {
        const analysis = await analyzeIfTraining(path.resolve(document.uri.fsPath), text);
        return { version, training: (analysis?.score ?? 0) >= TRAINING_SCRIPT_MIN_SCORE };
      } catch (err) {
        this.log.warn(`could not analyse ${document.uri.fsPath} for the CodeLens: ${(err as Error).message}`);
        return { version, training: false };
      }
    })();
    this.verdicts.set(key, next);
    return next;
  }

  private onStudiesChanged(): void {
    const studied = this.locator
      .studies()
      .map((s) => `${s.script ?? ''}\n${s.journal}\n${s.name}`)
      .sort()
      .join('\n');
    if (studied === this.studied) return;
    this.studied = studied;
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
