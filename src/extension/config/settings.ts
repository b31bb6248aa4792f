/**
 * Typed access to the `tunekit.*` settings, read per resource (the Python interpreter can differ
 * per workspace folder), with a change event filtered by setting so a listener runs only when
 * what it depends on changed (gitlens' configuration pattern).
 */
import * as vscode from 'vscode';
import type { SettingKey, TunekitSettings } from './settings-values';
import { SETTINGS_SECTION, readSettings, settingId } from './settings-values';

export class Settings implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.ConfigurationChangeEvent>();
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTINGS_SECTION)) this.changed.fire(e);
    });
  }

  /** The settings as they apply to `resource` (a script, a study file), or to the window. */
  get(resource?: vscode.Uri): TunekitSettings {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, resource ?? null);
    return readSettings((key) => config.get(key));
  }

  /** Calls `listener` when any of `keys` changes (in any scope). */
  onDidChange(keys: readonly SettingKey[], listener: () => void): vscode.Disposable {
    return this.changed.event((e) => {
      if (keys.some((k) => e.affectsConfiguration(settingId(k)))) listener();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
