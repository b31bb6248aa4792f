/** A toolkit button (`vscode-button`). */
import { registerComponents } from './register';

export interface ButtonOptions {
  readonly label: string;
  readonly appearance?: 'primary' | 'secondary' | 'icon';
  /** Tooltip, and the accessible name of an icon button. */
  readonly title?: string;
  /** Replaces the label's text (icon buttons): an element built by ./icons. */
  readonly icon?: SVGElement;
  readonly onClick?: (event: MouseEvent) => void;
}

export function createButton(options: ButtonOptions): HTMLElement {
  registerComponents();
  const button = document.createElement('vscode-button');
  button.setAttribute('appearance', options.appearance ?? 'primary');
  if (options.title) button.title = options.title;
  if (options.icon) {
    button.setAttribute('aria-label', options.title ?? options.label);
    button.append(options.icon);
  } else {
    button.textContent = options.label;
  }
  const onClick = options.onClick;
  if (onClick) button.addEventListener('click', (e) => onClick(e));
  return button;
}

/** Disables or enables a button made by createButton (the toolkit reads the attribute). */
export function setButtonDisabled(button: HTMLElement, disabled: boolean): void {
  button.toggleAttribute('disabled', disabled);
}
