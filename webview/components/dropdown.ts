/** A toolkit select box (`vscode-dropdown` with `vscode-option`s) holding string values. */
import { registerComponents } from './register';

export interface DropdownOption {
  readonly value: string;
  readonly label: string;
}

export interface Dropdown {
  readonly element: HTMLElement;
  readonly value: string;
  /** Replaces the options; keeps the current value when it is still offered. */
  setOptions(options: readonly DropdownOption[], value?: string): void;
  setValue(value: string): void;
}

interface SelectElement extends HTMLElement {
  value: string;
}

export function createDropdown(options: readonly DropdownOption[], value: string, onChange: (value: string) => void, title?: string): Dropdown {
  registerComponents();
  const element = document.createElement('vscode-dropdown') as SelectElement;
  if (title) {
    element.title = title;
    element.setAttribute('aria-label', title);
  }
  let current = value;
  let offered: readonly DropdownOption[] = [];
  const fill = (opts: readonly DropdownOption[], selected: string): void => {
    offered = opts;
    const nodes = opts.map((o) => {
      const option = document.createElement('vscode-option');
      option.setAttribute('value', o.value);
      option.textContent = o.label;
      // The toolkit picks the selected option from this attribute when options are replaced.
      if (o.value === selected) option.setAttribute('selected', '');
      return option;
    });
    element.replaceChildren(...nodes);
    current = opts.some((o) => o.value === selected) ? selected : (opts[0]?.value ?? '');
    element.value = current;
  };
  fill(options, value);
  element.addEventListener('change', () => {
    const next = element.value;
    if (next === current || !offered.some((o) => o.value === next)) return;
    current = next;
    onChange(next);
  });
  return {
    element,
    get value() {
      return current;
    },
    setOptions(opts, selected) {
      const same = opts.length === offered.length && opts.every((o, i) => o.value === offered[i]?.value && o.label === offered[i]?.label);
      const target = selected ?? current;
      if (same) {
        if (target !== current) this.setValue(target);
        return;
      }
      fill(opts, target);
    },
    setValue(next) {
      if (!offered.some((o) => o.value === next)) return;
      current = next;
      element.value = next;
    },
  };
}
