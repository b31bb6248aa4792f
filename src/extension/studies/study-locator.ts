/**
 * Finds the studies the editor shows: every `.tunekit/*.journal` in the workspace, journals the
 * user opened (remembered per workspace), and journals an engine started from here will write.
 * It keeps a JournalCatalog current: file events (debounced) for journals in the workspace, and
 * a one-second poll only while an engine runs or a journal is awaited, which also notices an
 * engine's end (it removes its marker file, which no journal event reports). Journals outside
 * the workspace get a watcher of their own. Nothing happens until start(): views and commands call it on first use.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OutputLog } from '../log/output-log';
import type { JournalEntry, StudySummary } from './journal-catalog';
import { JournalCatalog } from './journal-catalog';

const JOURNAL_GLOB = '**/.tunekit/*.journal';
const OPENED_KEY = 'tunekit.openedJournals';
const POLL_MS = 1000;
const DEBOUNCE_MS = 200;
/** An awaited journal (an engine was just started) is given up on after this long. */
const EXPECT_MS = 120_000;

export class StudyLocator implements vscode.Disposable {
  readonly catalog: JournalCatalog;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly expected = new Map<string, number>();
  private readonly pending = new Set<string>();
  private started: Promise<void> | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: OutputLog,
  ) {
    this.catalog = new JournalCatalog((m) => log.warn(m));
  }

  /** Idempotent; resolves once the workspace's journals are read. */
  start(): Promise<void> {
    this.started ??= this.discover();
    return this.started;
  }

  private async discover(): Promise<void> {
    const watcher = vscode.workspace.createFileSystemWatcher(JOURNAL_GLOB);
    watcher.onDidCreate((uri) => this.schedule(uri.fsPath), undefined, this.disposables);
    watcher.onDidChange((uri) => this.schedule(uri.fsPath), undefined, this.disposables);
    watcher.onDidDelete((uri) => this.schedule(uri.fsPath), undefined, this.disposables);
    this.disposables.push(watcher);
    const found = await vscode.workspace.findFiles(JOURNAL_GLOB, '**/node_modules/**');
    if (this.disposed) return;
    for (const uri of found) this.catalog.add(uri.fsPath);
    for (const file of this.openedJournals()) {
      if (!this.catalog.add(file)) continue;
      this.watchOutside(file);
    }
    this.changed.fire();
    this.updatePolling();
  }

  /** Tracks a journal the user picked; remembered for this workspace. Returns its entry. */
  async open(journal: string): Promise<JournalEntry | undefined> {
    await this.start();
    const file = path.resolve(journal);
    if (!this.catalog.add(file)) return undefined;
    const opened = this.openedJournals();
    if (!opened.includes(file)) await this.context.workspaceState.update(OPENED_KEY, [...opened, file]);
    this.watchOutside(file);
    this.changed.fire();
    this.updatePolling();
    return this.catalog.entry(file);
  }

  /** An engine was started for this journal: show it as soon as it exists. */
  expect(journal: string): void {
    const file = path.resolve(journal);
    this.expected.set(file, Date.now() + EXPECT_MS);
    this.catalog.add(file);
    this.updatePolling();
  }

  /** Re-reads one journal now (after a command changed it), or rediscovers everything. */
  async refresh(journal?: string): Promise<void> {
    if (journal !== undefined) {
      await this.start();
      if (this.catalog.has(journal) ? this.catalog.refresh(journal) : this.catalog.add(journal)) this.changed.fire();
      this.updatePolling();
      return;
    }
    if (!this.started) return this.start();
    await this.started;
    const found = await vscode.workspace.findFiles(JOURNAL_GLOB, '**/node_modules/**');
    for (const uri of found) this.catalog.add(uri.fsPath);
    this.catalog.refreshAll();
    this.changed.fire();
    this.updatePolling();
  }

  studies(): StudySummary[] {
    return this.catalog.allStudies();
  }

  find(journal: string, studyName: string): StudySummary | undefined {
    return this.catalog.find(journal, studyName);
  }

  running(): StudySummary[] {
    return this.catalog.allStudies().filter((s) => s.engine !== undefined);
  }

  private openedJournals(): string[] {
    const value = this.context.workspaceState.get<unknown>(OPENED_KEY);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }

  /** Journals outside every workspace folder get their own watcher (the glob covers the rest). */
  private watchOutside(file: string): void {
    if (vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
    watcher.onDidChange(() => this.schedule(file), undefined, this.disposables);
    watcher.onDidDelete(() => this.schedule(file), undefined, this.disposables);
    this.disposables.push(watcher);
  }

  private schedule(journal: string): void {
    this.pending.add(path.resolve(journal));
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      const files = [...this.pending];
      this.pending.clear();
      let changed = false;
      for (const file of files) {
        // A journal created in the workspace is new; one deleted is dropped by refresh.
        changed = (this.catalog.has(file) ? this.catalog.refresh(file) : this.catalog.add(file)) || changed;
      }
      if (changed) this.changed.fire();
      this.updatePolling();
    }, DEBOUNCE_MS);
  }

  private tick(): void {
    const now = Date.now();
    let changed = false;
    for (const [file, until] of this.expected) {
      if (this.catalog.has(file) || this.catalog.add(file)) {
        this.expected.delete(file);
        changed = true;
      } else if (now > until) {
        this.expected.delete(file);
      }
    }
    changed = this.catalog.refreshAll().length > 0 || changed;
    if (changed) this.changed.fire();
    this.updatePolling();
  }

  private updatePolling(): void {
    const needed = !this.disposed && (this.expected.size > 0 || this.running().length > 0);
    if (needed && !this.poll) {
      this.poll = setInterval(() => this.tick(), POLL_MS);
    } else if (!needed && this.poll) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.debounce) clearTimeout(this.debounce);
    if (this.poll) clearInterval(this.poll);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
