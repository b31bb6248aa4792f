/**
 * The questions of the study-creation flow, keyboard first: each opens with the likely answer
 * selected, so Enter, Enter, Enter starts a sensible study. The objective list is what the
 * script reports (metric-names.ts) and accepts any typed name; the direction follows the
 * metric's name; the trial count starts at the `tunekit.trials` setting.
 */
import * as vscode from 'vscode';
import type { MetricGuess } from './metric-names';
import { guessDirection } from './metric-names';

const SOURCE_WORDS: Readonly<Record<MetricGuess['source'], string>> = {
  'tunekit.report': 'reported with tunekit.report',
  printed: 'printed by the script',
  keras: 'logged by Keras fit',
};

interface MetricItem extends vscode.QuickPickItem {
  readonly metric: string;
}

/** Undefined when the user pressed Escape. */
export function askObjective(scriptName: string, guesses: readonly MetricGuess[], step: string): Promise<string | undefined> {
  const quickPick = vscode.window.createQuickPick<MetricItem>();
  quickPick.title = `Tune ${scriptName} (${step}): metric to optimize`;
  quickPick.placeholder = guesses.length > 0 ? `Pick the metric ${scriptName} reports, or type another name` : `Type the metric ${scriptName} prints, e.g. val_loss (as in "val_loss=0.21")`;
  quickPick.ignoreFocusOut = true;
  quickPick.matchOnDescription = true;
  const known: MetricItem[] = guesses.map((g) => ({ label: g.name, description: SOURCE_WORDS[g.source], metric: g.name }));
  quickPick.items = known;
  quickPick.onDidChangeValue((value) => {
    const typed = value.trim();
    // A name the script does not visibly print is still allowed: offer it as its own item.
    quickPick.items = typed && !known.some((k) => k.metric === typed) ? [{ label: typed, description: 'use this metric name', metric: typed }, ...known] : known;
  });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: string | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(value);
      quickPick.dispose();
    };
    quickPick.onDidAccept(() => {
      const chosen = quickPick.selectedItems[0]?.metric ?? quickPick.value.trim();
      if (chosen) finish(chosen);
    });
    quickPick.onDidHide(() => finish(undefined));
    quickPick.show();
  });
}

export async function askDirection(objective: string, step: string): Promise<'minimize' | 'maximize' | undefined> {
  const guess = guessDirection(objective);
  const items = [
    { label: 'minimize', description: `lower ${objective} is better`, direction: 'minimize' as const },
    { label: 'maximize', description: `higher ${objective} is better`, direction: 'maximize' as const },
  ].sort((a, b) => Number(b.direction === guess) - Number(a.direction === guess));
  const picked = await vscode.window.showQuickPick(items, { title: `Tune (${step}): minimize or maximize ${objective}?`, ignoreFocusOut: true });
  return picked?.direction;
}

export async function askTrials(defaultTrials: number, step: string): Promise<number | undefined> {
  const value = await vscode.window.showInputBox({
    title: `Tune (${step}): how many trials to run now?`,
    prompt: 'How many trials this run starts (the default is the tunekit.trials setting); the study keeps every earlier trial.',
    value: String(defaultTrials),
    ignoreFocusOut: true,
    validateInput: (text) => (/^\s*\d+\s*$/.test(text) && Number(text) >= 1 && Number(text) <= 100_000 ? undefined : 'A whole number from 1 to 100000.'),
  });
  return value === undefined ? undefined : Number(value.trim());
}
