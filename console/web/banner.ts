// Errors are shown as a banner a person can read: the problem's title and detail, never a stack.
import { h, show } from './dom.ts';

export function showError(error: unknown, context?: string): void {
  const banner = document.querySelector('[data-testid="error-banner"]');
  if (!banner) return;
  const message = error instanceof Error ? error.message : String(error);
  show(banner, h('strong', {}, context ? `${context}: ` : 'Error: '), message, h('button', { type: 'button', class: 'link', 'aria-label': 'dismiss', onclick: () => clearBanner() }, '×'));
  banner.removeAttribute('hidden');
}

export function showNotice(message: string): void {
  const notice = document.querySelector('[data-testid="notice-banner"]');
  if (!notice) return;
  show(notice, message);
  notice.removeAttribute('hidden');
  setTimeout(() => notice.setAttribute('hidden', ''), 6000);
}

export function clearBanner(): void {
  document.querySelector('[data-testid="error-banner"]')?.setAttribute('hidden', '');
}
