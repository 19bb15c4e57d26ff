/** Dead letters with their error, each with Retry (deliver again) and Discard buttons. */
import { api, query } from './api.js';
import { h, notice, replaceChildren, time } from './dom.js';
import { eventLink } from './links.js';
import type { DeadLetterJson, PageContext } from './types.js';

function row(letter: DeadLetterJson, onDone: (text: string, kind?: 'info' | 'error') => void): HTMLElement {
  const retry = h('button', { type: 'button', class: 'retry' }, 'Retry');
  const discard = h('button', { type: 'button', class: 'discard secondary' }, 'Discard');
  const tr = h(
    'tr',
    { 'data-id': letter.id },
    h('td', { class: 'consumer' }, letter.consumer),
    h(
      'td',
      {},
      h('a', { class: 'stream-id', href: eventLink(letter.streamId, letter.revision) }, `${letter.streamId} #${letter.revision}`),
    ),
    h('td', { class: 'type' }, letter.type),
    h('td', { class: 'error-text' }, letter.error),
    h('td', { class: 'num' }, String(letter.attempts)),
    h('td', {}, time(letter.failedAt)),
    h('td', { class: 'actions' }, retry, discard),
  );
  const act = async (button: HTMLButtonElement, path: string, method: string, done: string) => {
    button.disabled = true;
    try {
      await api(path, method === 'POST' ? { method, body: {} } : { method });
      tr.remove();
      onDone(done);
    } catch (error) {
      button.disabled = false;
      onDone((error as Error).message, 'error');
    }
  };
  const base = `/api/dead-letters/${encodeURIComponent(letter.id)}`;
  retry.addEventListener('click', () =>
    act(
      retry,
      `${base}/retry`,
      'POST',
      `Retried ${letter.streamId} #${letter.revision}: ${letter.consumer} will handle it again.`,
    ),
  );
  discard.addEventListener('click', () => {
    if (confirm(`Discard the dead letter of ${letter.streamId} #${letter.revision} for good?`)) {
      void act(discard, base, 'DELETE', `Discarded ${letter.streamId} #${letter.revision}.`);
    }
  });
  return tr;
}

/** The dead letters page. */
export async function deadLettersPage({ main, params, signal, info }: PageContext): Promise<void> {
  if (!info.consumers) {
    replaceChildren(
      main,
      h('h1', {}, 'Dead letters'),
      notice(`The ${info.backend} backend keeps no dead letters the server can read.`),
    );
    return;
  }
  const consumer = params.get('consumer') ?? undefined;
  const status = h('div', { id: 'status' });
  const { deadLetters, total } = await api<{ deadLetters: DeadLetterJson[]; total: number }>(
    `/api/dead-letters${query({ consumer, limit: 500 })}`,
    { signal },
  );
  const say = (text: string, kind: 'info' | 'error' = 'info') => replaceChildren(status, notice(text, kind));
  replaceChildren(
    main,
    h('h1', {}, 'Dead letters', consumer ? ` of ${consumer}` : ''),
    status,
    deadLetters.length === 0
      ? notice('No dead letters.')
      : h(
          'table',
          { class: 'list' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['consumer', 'event', 'type', 'error', 'attempts', 'failed', ''].map((name) =>
                h('th', name === 'attempts' ? { class: 'num' } : {}, name),
              ),
            ),
          ),
          h('tbody', {}, ...deadLetters.map((letter) => row(letter, say))),
        ),
    total > deadLetters.length ? notice(`Showing the oldest ${deadLetters.length} of ${total}.`) : null,
  );
}
