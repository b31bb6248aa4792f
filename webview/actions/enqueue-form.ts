/**
 * "Enqueue trial…": a form with one field per parameter of the search space (a dropdown for
 * categorical ones), prefilled from the selected or the best trial, checked field by field
 * against the space before the request is posted. The engine runs enqueued trials before it
 * samples new ones.
 */
import type { ParamInfo, TrialSummary } from '../../src/protocol/dashboard-messages';
import { createButton } from '../components/button';
import { createDropdown } from '../components/dropdown';
import type { Dropdown } from '../components/dropdown';
import { createTextField } from '../components/text-field';
import type { TextField } from '../components/text-field';
import { describeRange, initialInput, parseParamInput } from './param-input';
import type { TrialActions } from './trial-actions';

type JsonValue = TrialSummary['params'][string];

interface Field {
  readonly param: ParamInfo;
  read(): string;
  readonly error: HTMLElement;
  setInvalid(message: string | null): void;
}

export class EnqueueForm {
  readonly element: HTMLElement;
  private fields: Field[] = [];
  private readonly status: HTMLElement;

  constructor(private readonly actions: TrialActions) {
    // A plain element, not a <form>: the toolkit's form-associated fields would otherwise
    // submit it on Enter on their own, besides the Enter handling below.
    this.element = document.createElement('div');
    this.element.className = 'tk-enqueue';
    this.element.hidden = true;
    this.element.setAttribute('role', 'form');
    this.element.setAttribute('aria-label', 'Enqueue a trial');
    this.status = document.createElement('div');
    this.status.className = 'tk-enqueue-status';
    this.status.setAttribute('role', 'status');
  }

  /** The line that reports the last request ("Trial enqueued…"); the table puts it in its toolbar. */
  get statusElement(): HTMLElement {
    return this.status;
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  open(params: readonly ParamInfo[], from: TrialSummary | undefined): void {
    this.status.textContent = '';
    const title = document.createElement('div');
    title.className = 'tk-enqueue-title';
    title.textContent = from ? `Enqueue a trial (starting from trial #${from.number}’s parameters)` : 'Enqueue a trial';
    const grid = document.createElement('div');
    grid.className = 'tk-enqueue-grid';
    this.fields = params.map((p) => this.field(p, from, grid));
    const buttons = document.createElement('div');
    buttons.className = 'tk-enqueue-buttons';
    buttons.append(
      createButton({ label: 'Enqueue', appearance: 'primary', onClick: () => this.submit() }),
      createButton({ label: 'Cancel', appearance: 'secondary', onClick: () => this.close() }),
    );
    this.element.replaceChildren(title, grid, buttons);
    this.element.hidden = false;
  }

  close(): void {
    this.element.hidden = true;
    this.element.replaceChildren();
    this.fields = [];
  }

  dispose(): void {
    this.close();
    this.element.remove();
    this.status.remove();
  }

  /** Validates every field; posts the request only when all are valid. */
  submit(): boolean {
    const values: Record<string, JsonValue> = {};
    let valid = true;
    for (const f of this.fields) {
      const r = parseParamInput(f.param, f.read());
      f.setInvalid(r.ok ? null : r.error);
      if (r.ok) values[f.param.name] = r.value;
      else valid = false;
    }
    if (!valid) {
      this.status.textContent = 'Fix the highlighted values to enqueue the trial.';
      return false;
    }
    this.actions.enqueue(values);
    this.close();
    this.status.textContent = 'Trial enqueued: the engine runs it before sampling new ones.';
    return true;
  }

  private field(p: ParamInfo, from: TrialSummary | undefined, grid: HTMLElement): Field {
    const label = document.createElement('label');
    label.className = 'tk-enqueue-label';
    label.textContent = p.name;
    const hint = document.createElement('span');
    hint.className = 'tk-enqueue-hint';
    hint.textContent = describeRange(p);
    const error = document.createElement('span');
    error.className = 'tk-enqueue-error';
    error.setAttribute('role', 'alert');
    const initial = initialInput(p, from);
    let input: { element: HTMLElement; read(): string; setError(m: string | null): void };
    if (p.type === 'categorical') {
      const dropdown: Dropdown = createDropdown(
        (p.choices ?? []).map((c, i) => ({ value: String(i), label: typeof c === 'string' ? c : JSON.stringify(c) })),
        initial,
        () => undefined,
        p.name,
      );
      input = { element: dropdown.element, read: () => dropdown.value, setError: () => undefined };
    } else {
      const text: TextField = createTextField({ value: initial, ariaLabel: p.name, placeholder: describeRange(p), onEnter: () => this.submit() });
      input = { element: text.element, read: () => text.value, setError: (m) => text.setError(m) };
    }
    input.element.dataset.param = p.name;
    const cell = document.createElement('div');
    cell.className = 'tk-enqueue-field';
    cell.append(input.element, hint, error);
    grid.append(label, cell);
    return {
      param: p,
      read: input.read,
      error,
      setInvalid(message) {
        input.setError(message);
        error.textContent = message ?? '';
      },
    };
  }
}
