/**
 * The stream browser's entry point: routes the address (path and query) to a page, follows in-page links without
 * reloading, and asks for a token when the server wants one.
 */
import { ApiError, api } from './api.js';
import { h, notice, replaceChildren } from './dom.js';
import { consumersPage } from './page-consumers.js';
import { deadLettersPage } from './page-dead-letters.js';
import { eventPage } from './page-event.js';
import { logPage } from './page-log.js';
import { streamPage } from './page-stream.js';
import { streamsPage } from './page-streams.js';
import { captureToken, saveToken } from './token.js';
import type { InfoJson, PageContext } from './types.js';

const PAGES: Record<string, (context: PageContext) => Promise<void>> = {
  '/': streamsPage,
  '/streams': streamsPage,
  '/stream': streamPage,
  '/event': eventPage,
  '/log': logPage,
  '/consumers': consumersPage,
  '/dead-letters': deadLettersPage,
};

const main = document.getElementById('main') as HTMLElement;
let current: AbortController | undefined;
let info: InfoJson | undefined;

function tokenForm(message: string): HTMLElement {
  const input = h('input', { type: 'password', name: 'token', placeholder: 'token', 'aria-label': 'token', autocomplete: 'off' });
  const form = h('form', { class: 'search' }, input, h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saveToken(input.value);
    info = undefined;
    void render();
  });
  return h('div', {}, h('h1', {}, 'Token needed'), notice(message), form);
}

function markNavigation(path: string): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>('header nav a')) {
    const target = link.getAttribute('href') ?? '';
    link.classList.toggle('active', target === path || (target === '/' && path === '/stream'));
  }
}

async function render(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const page = PAGES[location.pathname] ?? streamsPage;
  markNavigation(location.pathname);
  try {
    info ??= await api<InfoJson>('/api/info', { signal: controller.signal });
    const target = document.getElementById('target');
    if (target) target.textContent = `${info.backend}${info.target ? ` · ${info.target}` : ''}`;
    await page({ main, params: new URLSearchParams(location.search), signal: controller.signal, info });
  } catch (error) {
    if (controller.signal.aborted) return;
    if (error instanceof ApiError && error.status === 401) {
      replaceChildren(main, tokenForm('Paste the token the server printed at start (or open the URL it printed).'));
    } else {
      replaceChildren(main, notice((error as Error).message, 'error'));
    }
  }
}

/** Follows a same-origin link inside the page (the URL stays shareable, nothing reloads). */
function navigate(url: string): void {
  history.pushState(null, '', url);
  window.scrollTo(0, 0);
  void render();
}

document.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest?.('a');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !(url.pathname in PAGES)) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('navigate', (event) => navigate((event as CustomEvent<string>).detail));
window.addEventListener('popstate', () => void render());

captureToken();
void render();
