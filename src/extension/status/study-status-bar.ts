/**
 * One status bar item while a study runs on this machine (started here, from a terminal, or
 * before a window reload): "$(sync~spin) Tunekit: 12/30 · 2 running · 3 pruned · 1 failed ·
 * best 0.213". Clicking it opens that study's dashboard. Hidden when nothing runs.
 */
import * as vscode from 'vscode';
import type { EngineLauncher } from '../engine/engine-launcher';
import type { StudySummary } from '../studies/journal-catalog';
import type { StudyLocator } from '../studies/study-locator';
import type { RunProgress } from './status-text';
import { runProgress, statusText, statusTooltip } from './status-text';

export class StudyStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly locator: StudyLocator,
    private readonly launcher: EngineLauncher,
  ) {
    this.item = vscode.window.createStatusBarItem('tunekit.study', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Tunekit Study';
    this.subscription = locator.onDidChange(() => this.update());
  }

  private update(): void {
    // The most recently started run first: it is the one the user is most likely watching.
    const running = this.locator.running().sort((a, b) => (b.engine?.startedAt ?? 0) - (a.engine?.startedAt ?? 0));
    const first = running[0];
    if (!first?.engine) {
      this.item.hide();
      return;
    }
    const progresses = running.map((s) => this.progress(s));
    this.item.text = statusText(progresses[0] as RunProgress, running.length - 1);
    this.item.tooltip = statusTooltip(progresses);
    this.item.command = { command: 'tunekit.openDashboard', title: 'Open Dashboard', arguments: [{ journal: first.journal, studyName: first.name }] };
    this.item.show();
  }

  private progress(study: StudySummary): RunProgress {
    const engine = study.engine;
    const ref = { journal: study.journal, studyName: study.name };
    const target = engine ? this.launcher.target(ref, engine.pid) : undefined;
    return runProgress(study.name, study.trials, engine?.startedAt ?? 0, study.best?.values?.[0], target);
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
