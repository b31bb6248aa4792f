/**
 * Theme colours for the analysis charts (parallel coordinates, slice, contour, importance, EDF,
 * Pareto), read from the `--vscode-*` CSS variables VS Code sets on the webview through
 * chart-theme.ts's reader and theme observer; this adds the named hues and light/dark these
 * hand-drawn charts need.
 *
 * VS Code switches light / dark / high contrast through the body's class and between two themes
 * of a kind only through the variables it writes on <html>; either change re-reads the colours.
 */
import { THEME_FALLBACK, onThemeChange, readThemeVariable } from './chart-theme';

export interface AnalysisColors {
  readonly foreground: string;
  /** Secondary text: axis titles, notes. */
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly blue: string;
  readonly red: string;
  readonly green: string;
  readonly yellow: string;
  readonly orange: string;
  readonly purple: string;
  /** Highlight of the trials selected in the table. */
  readonly selection: string;
  /** A dark background: the objective colour scale puts its brightest end on the best trials. */
  readonly dark: boolean;
  readonly highContrast: boolean;
  readonly fontFamily: string;
  readonly fontSize: number;
}

// The analysis charts' grid is a shade lighter than the shell's where no variable sets it.
const FALLBACK = { ...THEME_FALLBACK, grid: '#454545' };
const read = readThemeVariable;

export function readAnalysisColors(): AnalysisColors {
  const body = document.body;
  const styles = getComputedStyle(body);
  const cls = body.classList;
  const highContrast = cls.contains('vscode-high-contrast') || cls.contains('vscode-high-contrast-light');
  const background = read(styles, ['--vscode-editor-background'], FALLBACK.background);
  const dark = cls.contains('vscode-dark') || cls.contains('vscode-high-contrast') ? true : cls.contains('vscode-light') || cls.contains('vscode-high-contrast-light') ? false : luminance(background) < 0.4;
  const fontSize = Number.parseFloat(read(styles, ['--vscode-font-size'], '13'));
  return {
    foreground: read(styles, ['--vscode-editor-foreground', '--vscode-foreground'], FALLBACK.foreground),
    muted: read(styles, ['--vscode-descriptionForeground'], FALLBACK.muted),
    grid: read(styles, highContrast ? ['--vscode-contrastBorder', '--vscode-panel-border'] : ['--vscode-panel-border', '--vscode-charts-lines'], FALLBACK.grid),
    background,
    blue: read(styles, ['--vscode-charts-blue'], FALLBACK.blue),
    red: read(styles, ['--vscode-charts-red'], FALLBACK.red),
    green: read(styles, ['--vscode-charts-green'], FALLBACK.green),
    yellow: read(styles, ['--vscode-charts-yellow'], FALLBACK.yellow),
    orange: read(styles, ['--vscode-charts-orange'], FALLBACK.orange),
    purple: read(styles, ['--vscode-charts-purple'], FALLBACK.purple),
    selection: read(styles, highContrast ? ['--vscode-contrastActiveBorder', '--vscode-focusBorder'] : ['--vscode-charts-red'], FALLBACK.red),
    dark,
    highContrast,
    fontFamily: read(styles, ['--vscode-font-family'], 'system-ui, sans-serif'),
    fontSize: Number.isFinite(fontSize) ? fontSize : 13,
  };
}

/** Calls `listener` with fresh colours whenever VS Code switches theme (chart-theme.ts's one observer). */
export function onAnalysisThemeChange(listener: (colors: AnalysisColors) => void): { dispose(): void } {
  return onThemeChange(() => listener(readAnalysisColors()));
}

const rgbCache = new Map<string, readonly [number, number, number]>();
let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour as 0-255 RGB; the canvas parses it, so names, hsl() and #rgb all work. */
export function toRgb(color: string): readonly [number, number, number] {
  const cached = rgbCache.get(color);
  if (cached) return cached;
  probe ??= document.createElement('canvas').getContext('2d');
  let rgb: readonly [number, number, number] = [128, 128, 128];
  if (probe) {
    probe.fillStyle = '#808080';
    probe.fillStyle = color;
    const normal = String(probe.fillStyle);
    const hex = /^#([0-9a-f]{6})$/i.exec(normal);
    const fn = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/i.exec(normal);
    const byte = (h: string, i: number): number => Number.parseInt(h.slice(i, i + 2), 16);
    if (hex) rgb = [byte(hex[1] as string, 0), byte(hex[1] as string, 2), byte(hex[1] as string, 4)];
    else if (fn) rgb = [Number(fn[1]), Number(fn[2]), Number(fn[3])];
  }
  rgbCache.set(color, rgb);
  return rgb;
}

/** `color` at the given opacity, as rgba(). */
export function rgba(color: string, alpha: number): string {
  const [r, g, b] = toRgb(color);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

function luminance(color: string): number {
  const [r, g, b] = toRgb(color);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/** The canvas font string for text drawn by hand, at the theme's family. */
export function canvasFont(colors: AnalysisColors, size: number, weight = 'normal'): string {
  return `${weight} ${size}px ${colors.fontFamily}`;
}
