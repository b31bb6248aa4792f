/**
 * The extension's one output channel, "Tunekit" (a log channel: levels and timestamps come from
 * VS Code, and the user picks the level). Errors a user can act on are shown as notifications
 * with a "Show Log" button, while the full cause (stack, stderr) goes to the log, so the
 * notification stays one readable sentence and nothing is lost.
 */
import * as vscode from 'vscode';

const SHOW_LOG = 'Show Log';

export class OutputLog implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor(name = 'Tunekit') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string, err?: unknown): void {
    if (err === undefined) this.channel.error(message);
    else this.channel.error(`${message}\n${detail(err)}`);
  }

  show(): void {
    this.channel.show(true);
  }

  /** Logs the message with its cause and shows it as an error notification with "Show Log". */
  showErrorWithLog(message: string, err?: unknown): void {
    this.error(message, err);
    void vscode.window.showErrorMessage(message, SHOW_LOG).then((choice) => {
      if (choice === SHOW_LOG) this.show();
    });
  }

  /**
   * The same for a warning that lists things (parameters not applied): a notification shows no
   * detail unless modal, so the items are in its text, and one per line in the log.
   */
  showWarningWithLog(message: string, items: readonly string[] = []): void {
    this.warn([message, ...items].join('\n  '));
    const text = items.length === 0 ? message : `${message} ${items.join(' · ')}`;
    void vscode.window.showWarningMessage(text, SHOW_LOG).then((choice) => {
      if (choice === SHOW_LOG) this.show();
    });
  }

  dispose(): void {
    this.channel.dispose();
  }
}

function detail(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause === undefined ? '' : `\ncaused by: ${detail(err.cause)}`;
    return (err.stack ?? `${err.name}: ${err.message}`) + cause;
  }
  return String(err);
}
