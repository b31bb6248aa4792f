/**
 * The Studies view: journals, their studies, and each study's trials with state icons, the
 * objective value and duration, and the parameters and failure reason in the tooltip. Live: it
 * redraws when the locator reports a journal changed (file events, or its poll while an engine
 * runs), and a study started from a terminal appears as soon as its journal does. The nodes
 * carry `journal` / `studyName` / `number`, which is what the commands their menus run expect
 * (study-ref.ts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatValue } from '../../cli/format';
import type { StudySummary } from '../studies/journal-catalog';
import type { StudyLocator } from '../studies/study-locator';
import type { StudyRef } from '../studies/study-ref';
import {
  studyContextValue,
  studyDescription,
  trialContextValue,
  trialDescription,
  trialIcon,
  trialLabel,
  trialTooltip,
} from './trial-label';

export const STUDIES_VIEW_ID = 'tunekit.studies';

/** A study lists at most this many trials, newest first; the dashboard shows them all. */
const TRIALS_SHOWN = 500;

export type StudiesNode =
  | { readonly kind: 'journal'; readonly journal: string }
  | { readonly kind: 'study'; readonly journal: string; readonly studyName: string }
  | { readonly kind: 'trial'; readonly journal: string; readonly studyName: string; readonly number: number }
  | { readonly kind: 'more'; readonly journal: string; readonly studyName: string; readonly hidden: number }
  | { readonly kind: 'problem'; readonly journal: string; readonly message: string };

export class StudiesTreeProvider implements vscode.TreeDataProvider<StudiesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StudiesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private view: vscode.TreeView<StudiesNode> | undefined;

  constructor(private readonly locator: StudyLocator) {
    this.subscription = locator.onDidChange(() => this.changed.fire(undefined));
  }

  attach(view: vscode.TreeView<StudiesNode>): void {
    this.view = view;
  }

  getTreeItem(node: StudiesNode): vscode.TreeItem {
    const now = Date.now();
    switch (node.kind) {
      case 'journal': {
        const entry = this.locator.catalog.entry(node.journal);
        const item = new vscode.TreeItem(path.basename(node.journal), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `journal:${node.journal}`;
        item.description = vscode.workspace.asRelativePath(path.dirname(node.journal));
        item.tooltip = node.journal;
        item.resourceUri = vscode.Uri.file(node.journal);
        item.iconPath = new vscode.ThemeIcon(entry?.problem ? 'warning' : 'database');
        item.contextValue = 'journal';
        return item;
      }
      case 'study': {
        const study = this.locator.find(node.journal, node.studyName);
        // A running study opens on its trials; VS Code remembers the user's choice after that.
        const item = new vscode.TreeItem(node.studyName, study?.engine ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `study:${node.journal}:${node.studyName}`;
        if (!study) return item;
        const running = study.engine !== undefined;
        item.description = studyDescription(study.counts, study.best?.values?.[0], running);
        item.tooltip = new vscode.MarkdownString(studyTooltip(study));
        item.iconPath = new vscode.ThemeIcon(running ? 'sync~spin' : 'graph');
        item.contextValue = studyContextValue(running);
        return item;
      }
      case 'trial': {
        const study = this.locator.find(node.journal, node.studyName);
        const trial = study?.trials[node.number];
        const item = new vscode.TreeItem(trial ? trialLabel(trial, study?.best?.number === trial.number) : `Trial ${node.number}`);
        item.id = `trial:${node.journal}:${node.studyName}:${node.number}`;
        if (!study || !trial) return item;
        const icon = trialIcon(trial.state);
        item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
        item.description = trialDescription(trial, now);
        item.tooltip = new vscode.MarkdownString(trialTooltip(trial, study.objectives, now));
        item.contextValue = trialContextValue(trial.state);
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(`${node.hidden} older trials`);
        item.id = `more:${node.journal}:${node.studyName}`;
        item.description = 'open the dashboard to see every trial';
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'tunekit.openDashboard', title: 'Open Dashboard', arguments: [{ journal: node.journal, studyName: node.studyName }] };
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.message);
        item.id = `problem:${node.journal}`;
        item.tooltip = node.message;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        return item;
      }
    }
  }

  async getChildren(node?: StudiesNode): Promise<StudiesNode[]> {
    if (!node) {
      await this.locator.start();
      const journals = this.locator.catalog.journals();
      if (this.view) {
        this.view.message = journals.length === 0 ? 'No studies yet. Run "Tunekit: Tune This Script" on a training script, or "Tunekit: Open Optuna Journal…".' : undefined;
      }
      return journals.map((journal) => ({ kind: 'journal', journal }));
    }
    switch (node.kind) {
      case 'journal': {
        const entry = this.locator.catalog.entry(node.journal);
        if (!entry) return [];
        if (entry.problem) return [{ kind: 'problem', journal: node.journal, message: entry.problem }];
        return entry.studies.map((s) => ({ kind: 'study', journal: node.journal, studyName: s.name }));
      }
      case 'study': {
        const study = this.locator.find(node.journal, node.studyName);
        if (!study) return [];
        const trials = [...study.trials].reverse();
        const shown: StudiesNode[] = trials.slice(0, TRIALS_SHOWN).map((t) => ({ kind: 'trial', journal: node.journal, studyName: node.studyName, number: t.number }));
        if (trials.length > TRIALS_SHOWN) shown.push({ kind: 'more', journal: node.journal, studyName: node.studyName, hidden: trials.length - TRIALS_SHOWN });
        return shown;
      }
      default:
        return [];
    }
  }

  /** Shows a study (just started, say) expanded in the view, without moving the focus. */
  async reveal(ref: StudyRef): Promise<void> {
    if (!this.view) return;
    await this.locator.refresh(ref.journal);
    if (!this.locator.find(ref.journal, ref.studyName)) return;
    this.changed.fire(undefined);
    await this.view.reveal({ kind: 'study', journal: ref.journal, studyName: ref.studyName }, { expand: true, select: false, focus: false });
  }

  /** Lets `TreeView.reveal` walk up from a study or trial. */
  getParent(node: StudiesNode): StudiesNode | undefined {
    switch (node.kind) {
      case 'journal':
        return undefined;
      case 'study':
      case 'problem':
        return { kind: 'journal', journal: node.journal };
      default:
        return { kind: 'study', journal: node.journal, studyName: node.studyName };
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function studyTooltip(study: StudySummary): string {
  const c = study.counts;
  const lines = [
    `**${study.name}**${study.engine ? ` (running, engine pid ${study.engine.pid})` : ''}`,
    '',
    `- ${study.directions.map((d, i) => `${d} ${study.objectives[i] ?? ''}`).join(', ')}`,
    `- ${c.complete} complete · ${c.pruned} pruned · ${c.fail} failed · ${c.running} running · ${c.waiting} queued`,
  ];
  if (study.best) lines.push(`- best: trial ${study.best.number}, ${formatValue(study.best.values?.[0])}`);
  if (study.script) lines.push(`- script: ${vscode.workspace.asRelativePath(study.script)}`);
  lines.push(`- journal: ${study.journal}`);
  return lines.join('\n');
}
