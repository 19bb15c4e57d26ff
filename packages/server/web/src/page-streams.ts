/** The streams list with a prefix search; the search text is kept in the URL so a result list can be shared. */
import { api, query } from './api.js';
import { h, notice, replaceChildren, time } from './dom.js';
import { streamLink, streamsLink } from './links.js';
import type { PageContext, StreamJson } from './types.js';

interface StreamPage {
  streams: StreamJson[];
  next: string | null;
}

/** Renders the list for the current prefix into `results`. */
async function showResults(results: HTMLElement, prefix: string, after: string | undefined, signal: AbortSignal) {
  const page = await api<StreamPage>(`/api/streams${query({ prefix, after, limit: 100 })}`, { signal });
  if (page.streams.length === 0) {
    replaceChildren(results, notice(prefix ? `No stream id starts with “${prefix}”.` : 'No streams yet.'));
    return;
  }
  const rows = page.streams.map((stream) =>
    h(
      'tr',
      {},
      h('td', {}, h('a', { class: 'stream-id', href: streamLink(stream.streamId) }, stream.streamId)),
      h('td', { class: 'num' }, String(stream.revision)),
      h('td', {}, time(stream.updatedAt)),
    ),
  );
  replaceChildren(
    results,
    h(
      'table',
      { class: 'list' },
      h('thead', {}, h('tr', {}, h('th', {}, 'stream'), h('th', { class: 'num' }, 'revision'), h('th', {}, 'updated'))),
      h('tbody', {}, ...rows),
    ),
    page.next === null ? null : h('a', { class: 'pager', href: streamsLink(prefix, page.next) }, 'Next page →'),
  );
}

/** The streams page. */
export async function streamsPage({ main, params, signal, info }: PageContext): Promise<void> {
  const prefix = params.get('prefix') ?? '';
  const input = h('input', {
    type: 'search',
    name: 'prefix',
    placeholder: 'Stream id starts with…',
    'aria-label': 'search streams',
    autocomplete: 'off',
    value: prefix,
  });
  const open = h('button', { type: 'submit' }, 'Open stream');
  const form = h('form', { class: 'search', role: 'search' }, input, open);
  const results = h('div', { id: 'results' });
  replaceChildren(main, h('h1', {}, 'Streams'), form, results);
  let timer: number | undefined;
  let searching: AbortController | undefined;
  const search = () => {
    searching?.abort();
    searching = new AbortController();
    const value = input.value;
    history.replaceState(null, '', streamsLink(value));
    signal.addEventListener('abort', () => searching?.abort(), { once: true });
    showResults(results, value, undefined, searching.signal).catch((error: Error) => {
      if (error.name !== 'AbortError') replaceChildren(results, notice(error.message, 'error'));
    });
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(search, 150);
  });
  // Enter opens the stream whose id was typed in full.
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value) window.dispatchEvent(new CustomEvent('navigate', { detail: streamLink(input.value) }));
  });
  if (info.capabilities.listStreams === true) await showResults(results, prefix, params.get('after') ?? undefined, signal);
  else replaceChildren(results, notice(`The ${info.backend} backend cannot list streams: type an id and press Enter.`));
  input.focus();
}
