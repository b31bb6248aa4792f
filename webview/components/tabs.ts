/** Tabbed panels (`vscode-panels`): one tab and one view per entry, switched by the toolkit. */
import { registerComponents } from './register';

export interface TabSpec {
  readonly id: string;
  readonly label: string;
}

export interface Tabs {
  readonly element: HTMLElement;
  readonly active: string;
  /** The container of a tab's content. */
  view(id: string): HTMLElement;
  activate(id: string): void;
}

interface PanelsElement extends HTMLElement {
  activeid: string;
}

export function createTabs(specs: readonly TabSpec[], active: string, onChange: (id: string) => void): Tabs {
  registerComponents();
  const element = document.createElement('vscode-panels') as PanelsElement;
  element.setAttribute('aria-label', 'Dashboard sections');
  const views = new Map<string, HTMLElement>();
  // The toolkit pairs the n-th tab with the n-th view, so all tabs come first.
  for (const spec of specs) {
    const tab = document.createElement('vscode-panel-tab');
    tab.id = `tab-${spec.id}`;
    tab.textContent = spec.label;
    element.append(tab);
  }
  for (const spec of specs) {
    const view = document.createElement('vscode-panel-view');
    view.id = `view-${spec.id}`;
    view.classList.add('tk-tab-view');
    element.append(view);
    views.set(spec.id, view);
  }
  let current = specs.some((s) => s.id === active) ? active : (specs[0]?.id ?? '');
  element.setAttribute('activeid', `tab-${current}`);
  element.addEventListener('change', (e) => {
    // Change events bubble up from dropdowns inside the views too: only the panels' own count.
    if (e.target !== element) return;
    const id = (element.activeid ?? '').replace(/^tab-/, '');
    if (!views.has(id) || id === current) return;
    current = id;
    onChange(id);
  });
  return {
    element,
    get active() {
      return current;
    },
    view(id) {
      const v = views.get(id);
      if (!v) throw new Error(`no dashboard tab "${id}"`);
      return v;
    },
    activate(id) {
      if (!views.has(id) || id === current) return;
      current = id;
      element.activeid = `tab-${id}`;
      onChange(id);
    },
  };
}
