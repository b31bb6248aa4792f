/**
 * The dashboard's header: the study's name, objective(s) and direction(s), whether an engine is
 * running it, how many trials are in each state, and the best value so far (a click selects the
 * best trial). The host's error messages show here too, until dismissed.
 */
import type { TrialStateName } from '../../src/protocol/dashboard-messages';
import { createBadge, setBadgeText } from '../components/badge';
import { createButton } from '../components/button';
import { createIcon } from '../components/icons';
import type { DashboardModel } from '../state/dashboard-model';
import { bestTrial } from './best-trial';
import { formatNumber } from './format';

const STATES: readonly { state: TrialStateName; label: string }[] = [
  { state: 'complete', label: 'complete' },
  { state: 'running', label: 'running' },
  { state: 'pruned', label: 'pruned' },
  { state: 'fail', label: 'failed' },
  { state: 'waiting', label: 'waiting' },
];

export class Header {
  readonly element: HTMLElement;
  private readonly name: HTMLElement;
  private readonly objective: HTMLElement;
  private readonly running: HTMLElement;
  private readonly counts = new Map<TrialStateName, { item: HTMLElement; badge: HTMLElement }>();
  private readonly best: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly errorText: HTMLElement;
  private bestNumbers: number[] = [];

  constructor(onSelectBest: (numbers: number[]) => void, onDismissError: () => void) {
    this.element = document.createElement('header');
    this.element.className = 'tk-header';
    const titleRow = document.createElement('div');
    titleRow.className = 'tk-title-row';
    this.name = document.createElement('h1');
    this.name.className = 'tk-study-name';
    this.running = createBadge('running', 'An engine is running this study');
    this.running.classList.add('tk-running');
    this.running.hidden = true;
    this.objective = document.createElement('span');
    this.objective.className = 'tk-objective';
    titleRow.append(this.name, this.running, this.objective);

    const stats = document.createElement('div');
    stats.className = 'tk-stats';
    for (const { state, label } of STATES) {
      const item = document.createElement('span');
      item.className = `tk-count tk-state-${state}`;
      const text = document.createElement('span');
      text.textContent = label;
      const badge = createBadge('0');
      item.append(text, badge);
      item.hidden = state !== 'complete';
      stats.append(item);
      this.counts.set(state, { item, badge });
    }
    this.best = document.createElement('button');
    this.best.className = 'tk-best';
    this.best.type = 'button';
    this.best.title = 'Select the best trial';
    this.best.addEventListener('click', () => {
      if (this.bestNumbers.length > 0) onSelectBest(this.bestNumbers);
    });
    stats.append(this.best);

    this.error = document.createElement('div');
    this.error.className = 'tk-error';
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;
    this.errorText = document.createElement('span');
    const dismiss = createButton({ label: 'Dismiss', appearance: 'icon', title: 'Dismiss', icon: createIcon('close'), onClick: onDismissError });
    this.error.append(this.errorText, dismiss);
    this.element.append(titleRow, stats, this.error);
  }

  /** `journal`: where the study lives, shown as the name's tooltip. */
  update(model: DashboardModel, journal: string, ready: boolean): void {
    const name = model.studyName || 'Tunekit study';
    if (this.name.textContent !== name) this.name.textContent = name;
    this.name.title = journal;
    if (!ready) {
      this.objective.textContent = 'loading…';
      return;
    }
    this.objective.textContent = model.directions
      .map((d, i) => `${model.objectives[i] ?? (model.directions.length > 1 ? `objective ${i}` : 'value')} ${d === 'minimize' ? '↓ minimize' : '↑ maximize'}`)
      .join(' · ');
    this.running.hidden = !model.running;
    const counts: Record<TrialStateName, number> = { running: 0, complete: 0, pruned: 0, fail: 0, waiting: 0 };
    for (const t of model.trials) counts[t.state]++;
    for (const { state } of STATES) {
      const c = this.counts.get(state);
      if (!c) continue;
      setBadgeText(c.badge, String(counts[state]));
      c.item.hidden = counts[state] === 0 && state !== 'complete';
    }
    const parts: string[] = [];
    this.bestNumbers = [];
    model.directions.forEach((d, i) => {
      const t = bestTrial(model.trials, i, d);
      if (!t) return;
      this.bestNumbers.push(t.number);
      const label = model.directions.length > 1 ? `best ${model.objectives[i] ?? `objective ${i}`}` : 'best';
      parts.push(`${label} ${formatNumber(t.values?.[i])} (trial #${t.number})`);
    });
    this.best.textContent = parts.length > 0 ? parts.join(' · ') : 'no completed trial yet';
    this.best.disabled = parts.length === 0;
  }

  showError(message: string | null): void {
    this.error.hidden = message === null;
    this.errorText.textContent = message ?? '';
  }
}
