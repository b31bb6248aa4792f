/**
 * The frame of an analysis chart: a toolbar for its dropdowns, a body the chart draws in, and a
 * note shown instead of the chart when there is nothing to draw (and why). Styled through the
 * CSSOM (element.style), which a strict style-src CSP allows, unlike style attributes in markup.
 */

export interface AnalysisPanel {
  readonly root: HTMLElement;
  readonly toolbar: HTMLElement;
  readonly body: HTMLElement;
  /** Shows `text` instead of the body, or the body again (null). */
  setMessage(text: string | null): void;
  /** Sets the note under the toolbar (what the colours mean, the method...). */
  setCaption(text: string): void;
  dispose(): void;
}

export function createAnalysisPanel(container: HTMLElement, id: string): AnalysisPanel {
  const root = document.createElement('div');
  root.className = `tk-analysis tk-analysis-${id}`;
  Object.assign(root.style, { display: 'flex', flexDirection: 'column', gap: '4px', width: '100%', minWidth: '0' });

  const toolbar = document.createElement('div');
  toolbar.className = 'tk-analysis-toolbar';
  Object.assign(toolbar.style, { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '8px', minHeight: '0' });

  const caption = document.createElement('div');
  caption.className = 'tk-analysis-caption';
  Object.assign(caption.style, { color: 'var(--vscode-descriptionForeground)', fontSize: '0.9em' });
  caption.hidden = true;

  const body = document.createElement('div');
  body.className = 'tk-analysis-body';
  Object.assign(body.style, { position: 'relative', width: '100%', minWidth: '0' });

  const message = document.createElement('div');
  message.className = 'tk-analysis-message';
  message.setAttribute('role', 'status');
  Object.assign(message.style, { color: 'var(--vscode-descriptionForeground)', padding: '24px 8px', textAlign: 'center' });
  message.hidden = true;

  root.append(toolbar, caption, body, message);
  container.append(root);
  return {
    root,
    toolbar,
    body,
    setMessage(text) {
      message.hidden = text === null;
      body.style.display = text === null ? '' : 'none';
      if (text !== null && message.textContent !== text) message.textContent = text;
    },
    setCaption(text) {
      caption.hidden = text === '';
      if (caption.textContent !== text) caption.textContent = text;
    },
    dispose() {
      root.remove();
    },
  };
}

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

export interface Select {
  readonly element: HTMLElement;
  readonly value: string;
  /** Replaces the options, keeping the current value when it is still offered. */
  setOptions(options: readonly SelectOption[], value?: string): void;
  setValue(value: string): void;
}

/**
 * A labelled native <select> in VS Code's dropdown colours. Same shape as the component layer's
 * createDropdown (webview/components/dropdown.ts), so the shell can swap one for the other.
 */
export function createSelect(label: string, options: readonly SelectOption[], value: string, onChange: (value: string) => void): Select {
  const wrap = document.createElement('label');
  Object.assign(wrap.style, { display: 'inline-flex', alignItems: 'center', gap: '4px' });
  const text = document.createElement('span');
  text.textContent = label;
  const select = document.createElement('select');
  select.setAttribute('aria-label', label);
  Object.assign(select.style, {
    background: 'var(--vscode-dropdown-background)',
    color: 'var(--vscode-dropdown-foreground)',
    border: '1px solid var(--vscode-dropdown-border, transparent)',
    borderRadius: '2px',
    padding: '2px 4px',
    fontFamily: 'inherit',
    fontSize: 'inherit',
  });
  wrap.append(text, select);
  let offered: readonly SelectOption[] = [];
  const fill = (opts: readonly SelectOption[], selected: string): void => {
    offered = opts;
    select.replaceChildren(
      ...opts.map((o) => {
        const option = document.createElement('option');
        option.value = o.value;
        option.textContent = o.label;
        return option;
      }),
    );
    select.value = opts.some((o) => o.value === selected) ? selected : (opts[0]?.value ?? '');
  };
  fill(options, value);
  select.addEventListener('change', () => onChange(select.value));
  return {
    element: wrap,
    get value() {
      return select.value;
    },
    setOptions(opts, selected) {
      const target = selected ?? select.value;
      const same = opts.length === offered.length && opts.every((o, i) => o.value === offered[i]?.value && o.label === offered[i]?.label);
      if (same) select.value = opts.some((o) => o.value === target) ? target : select.value;
      else fill(opts, target);
    },
    setValue(next) {
      if (offered.some((o) => o.value === next)) select.value = next;
    },
  };
}

/** A canvas `height` px tall filling the panel's body, labelled for screen readers. */
export function appendChartCanvas(panel: AnalysisPanel, height: number, ariaLabel: string): HTMLCanvasElement {
  const box = document.createElement('div');
  Object.assign(box.style, { position: 'relative', height: `${height}px` });
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', ariaLabel);
  box.append(canvas);
  panel.body.append(box);
  return canvas;
}
