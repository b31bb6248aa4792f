/**
 * Chart colours from VS Code's theme. VS Code sets `--vscode-*` CSS variables on the webview's
 * document and a `vscode-light` / `vscode-dark` / `vscode-high-contrast` class on its body, and
 * changes both when the user switches theme; charts read the variables here and re-read them
 * when that class changes, so light, dark and high-contrast themes all work.
 */
import { Chart } from 'chart.js';
import type { TrialStateName } from '../../src/protocol/dashboard-messages';

export interface ChartTheme {
  readonly foreground: string;
  /** Secondary text: axis titles, placeholders. */
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  /** What charts are drawn on (the dashboard's cards). */
  readonly surface: string;
  readonly fontFamily: string;
  readonly fontSize: number;
  readonly states: Readonly<Record<TrialStateName, string>>;
  /** The best-so-far line and other highlights. */
  readonly accent: string;
  /** Outline of selected trials' marks. */
  readonly selection: string;
  readonly highContrast: boolean;
}

// Fallbacks: VS Code's Dark Modern values, used only where a variable is missing (a harness,
// or a theme that leaves one unset). The analysis charts' colours (analysis-colors.ts) use them too.
export const THEME_FALLBACK = {
  foreground: '#cccccc',
  muted: '#9d9d9d',
  grid: '#3c3c3c',
  background: '#1f1f1f',
  blue: '#3794ff',
  red: '#f14c4c',
  green: '#89d185',
  yellow: '#cca700',
  orange: '#d18616',
  purple: '#b180d7',
};

const FALLBACK = THEME_FALLBACK;

/** The first of the `--vscode-*` variables that is set, else `fallback`. */
export function readThemeVariable(styles: CSSStyleDeclaration, names: readonly string[], fallback: string): string {
  for (const name of names) {
    const v = styles.getPropertyValue(name).trim();
    if (v) return v;
  }
  return fallback;
}

export function readChartTheme(): ChartTheme {
  const body = document.body;
  const styles = getComputedStyle(body);
  const highContrast = body.classList.contains('vscode-high-contrast') || body.classList.contains('vscode-high-contrast-light');
  const foreground = readThemeVariable(styles, ['--vscode-charts-foreground', '--vscode-editor-foreground', '--vscode-foreground'], FALLBACK.foreground);
  const grid = readThemeVariable(styles, highContrast ? ['--vscode-contrastBorder', '--vscode-panel-border'] : ['--vscode-charts-lines', '--vscode-panel-border'], FALLBACK.grid);
  const fontSize = Number.parseFloat(readThemeVariable(styles, ['--vscode-font-size'], '13'));
  return {
    foreground,
    muted: readThemeVariable(styles, ['--vscode-descriptionForeground'], FALLBACK.muted),
    grid,
    background: readThemeVariable(styles, ['--vscode-editor-background'], FALLBACK.background),
    surface: readThemeVariable(styles, ['--vscode-editorWidget-background', '--vscode-editor-background'], FALLBACK.background),
    fontFamily: readThemeVariable(styles, ['--vscode-font-family'], 'system-ui, sans-serif'),
    fontSize: Number.isFinite(fontSize) ? fontSize : 13,
    states: {
      running: readThemeVariable(styles, ['--vscode-charts-blue'], FALLBACK.blue),
      complete: readThemeVariable(styles, ['--vscode-charts-green'], FALLBACK.green),
      pruned: readThemeVariable(styles, ['--vscode-charts-orange', '--vscode-charts-yellow'], FALLBACK.orange),
      fail: readThemeVariable(styles, ['--vscode-charts-red'], FALLBACK.red),
      waiting: readThemeVariable(styles, ['--vscode-descriptionForeground'], FALLBACK.muted),
    },
    accent: readThemeVariable(styles, ['--vscode-charts-purple'], FALLBACK.purple),
    selection: readThemeVariable(styles, highContrast ? ['--vscode-contrastActiveBorder', '--vscode-focusBorder'] : ['--vscode-focusBorder', '--vscode-charts-yellow'], FALLBACK.yellow),
    highContrast,
  };
}

/** `color` with the given opacity; colours in a form this does not parse are returned as they are. */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let m = /^#([0-9a-f]{3,4})$/i.exec(c);
  if (m) {
    const [r, g, b] = [...(m[1] as string)].map((h) => Number.parseInt(h + h, 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c);
  if (m) {
    const hex = m[1] as string;
    const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  if (m) return `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${alpha})`;
  return c;
}

/** Sets chart.js's global defaults (text colour, lines, font) from the theme. */
export function applyChartDefaults(theme: ChartTheme): void {
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(10, theme.fontSize - 1);
}

interface ThemedAxis {
  ticks?: { color?: unknown };
  grid?: { color?: unknown };
  border?: { color?: unknown };
  title?: { color?: unknown };
}

/**
 * Colours a cartesian axis from the theme. Properties are set one by one: chart.js hands out its
 * resolved options as proxies, which must not be spread or replaced wholesale.
 */
export function themeAxis(scale: ThemedAxis | undefined, theme: ChartTheme): void {
  if (!scale) return;
  if (scale.ticks) scale.ticks.color = theme.foreground;
  if (scale.grid) scale.grid.color = withAlpha(theme.grid, 0.6);
  if (scale.border) scale.border.color = theme.grid;
  if (scale.title) scale.title.color = theme.muted;
}

type Listener = (theme: ChartTheme) => void;
const listeners = new Set<Listener>();
let observer: MutationObserver | null = null;
let lastKey = '';

// VS Code switches light/dark/high-contrast through the body's class, and between two themes of
// the same kind only through the variables it writes in the <html> element's style attribute.
const themeKey = (): string =>
  `${[...document.body.classList].filter((c) => c.startsWith('vscode-')).join(' ')}|${document.body.dataset.vscodeThemeKind ?? ''}|${document.documentElement.getAttribute('style') ?? ''}`;

/** Calls `listener` with the new theme whenever VS Code switches theme. One observer serves all. */
export function onThemeChange(listener: Listener): { dispose(): void } {
  listeners.add(listener);
  if (!observer) {
    lastKey = themeKey();
    observer = new MutationObserver(() => {
      const key = themeKey();
      if (key === lastKey) return;
      lastKey = key;
      const theme = readChartTheme();
      applyChartDefaults(theme);
      for (const l of listeners) l(theme);
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  }
  return {
    dispose: () => {
      listeners.delete(listener);
      if (listeners.size === 0 && observer) {
        observer.disconnect();
        observer = null;
      }
    },
  };
}
