/** A toolkit text input (`vscode-text-field`). */
import { registerComponents } from './register';

export interface TextField {
  readonly element: HTMLElement;
  value: string;
  /** Marks the field invalid (red border, message as tooltip) or valid again (null). */
  setError(message: string | null): void;
  focus(): void;
}

interface TextFieldElement extends HTMLElement {
  value: string;
}

export interface TextFieldOptions {
  readonly value?: string;
  readonly placeholder?: string;
  /** Visible label, rendered by the toolkit above the input. */
  readonly label?: string;
  readonly ariaLabel?: string;
  readonly onInput?: (value: string) => void;
  readonly onEnter?: () => void;
}

export function createTextField(options: TextFieldOptions): TextField {
  registerComponents();
  const element = document.createElement('vscode-text-field') as TextFieldElement;
  if (options.placeholder) element.setAttribute('placeholder', options.placeholder);
  if (options.ariaLabel) element.setAttribute('aria-label', options.ariaLabel);
  if (options.label) element.textContent = options.label;
  element.value = options.value ?? '';
  const onInput = options.onInput;
  if (onInput) element.addEventListener('input', () => onInput(element.value));
  const onEnter = options.onEnter;
  if (onEnter) element.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') onEnter();
  });
  return {
    element,
    get value() {
      return element.value;
    },
    set value(v: string) {
      element.value = v;
    },
    setError(message) {
      element.classList.toggle('tk-invalid', message !== null);
      element.title = message ?? '';
      element.setAttribute('aria-invalid', String(message !== null));
    },
    focus() {
      element.focus();
    },
  };
}
