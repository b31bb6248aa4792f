/**
 * Small inline SVG icons for row actions. Built as DOM nodes (no markup strings, no icon font:
 * the strict CSP forbids remote fonts and the codicon font is not bundled), drawn in
 * currentColor so every theme colours them.
 */
const SVG = 'http://www.w3.org/2000/svg';

export type IconName = 'stop' | 'log' | 'apply' | 'close';

const PATHS: Record<IconName, string> = {
  stop: 'M4 4h8v8H4z',
  log: 'M3 3h10v1.5H3zM3 6.5h10V8H3zM3 10h7v1.5H3z',
  apply: 'M6.2 10.6 3.4 7.8 2.3 8.9l3.9 3.9 7.5-7.5-1.1-1.1z',
  close: 'M4.3 3.2 8 6.9l3.7-3.7 1.1 1.1L9.1 8l3.7 3.7-1.1 1.1L8 9.1l-3.7 3.7-1.1-1.1L6.9 8 3.2 4.3z',
};

export function createIcon(name: IconName): SVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('fill', 'currentColor');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', PATHS[name]);
  svg.append(path);
  return svg;
}
