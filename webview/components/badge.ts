/**
 * A count badge in VS Code's badge colours. Not the toolkit's `vscode-badge`: its template
 * binds an inline `style` attribute, which the dashboard's CSP (no 'unsafe-inline' styles)
 * blocks and reports; a styled span looks the same (media/dashboard.css, .tk-badge).
 */
export function createBadge(text: string, title?: string): HTMLElement {
  const badge = document.createElement('span');
  badge.className = 'tk-badge';
  badge.textContent = text;
  if (title) badge.title = title;
  return badge;
}

export function setBadgeText(badge: HTMLElement, text: string): void {
  if (badge.textContent !== text) badge.textContent = text;
}
