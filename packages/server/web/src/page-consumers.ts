/** Consumers with their checkpoint and lag, refreshed every two seconds while the page is open. */
import { api } from './api.js';
import { h, notice, replaceChildren, time } from './dom.js';
import { deadLettersLink } from './links.js';
import type { ConsumerJson, PageContext } from './types.js';

const REFRESH_MS = 2000;

function table(consumers: ConsumerJson[]): HTMLElement {
  if (consumers.length === 0) return notice('No consumer has saved a checkpoint yet.');
  return h(
    'table',
    { class: 'list' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'consumer'),
        h('th', {}, 'checkpoint'),
        h('th', { class: 'num' }, 'lag'),
        h('th', {}, 'updated'),
        h('th', {}),
      ),
    ),
    h(
      'tbody',
      {},
      ...consumers.map((consumer) =>
        h(
          'tr',
          {},
          h('td', { class: 'consumer' }, consumer.consumer),
          h('td', { class: 'mono' }, consumer.checkpoint),
          h('td', { class: consumer.lag ? 'num lagging' : 'num' }, consumer.lag === null ? '—' : String(consumer.lag)),
          h('td', {}, time(consumer.updatedAt)),
          h('td', {}, h('a', { href: deadLettersLink(consumer.consumer) }, 'dead letters')),
        ),
      ),
    ),
  );
}

/** The consumers page. */
export async function consumersPage({ main, signal, info }: PageContext): Promise<void> {
  if (!info.consumers) {
    replaceChildren(
      main,
      h('h1', {}, 'Consumers'),
      notice(`The ${info.backend} backend keeps no consumer state the server can read.`),
    );
    return;
  }
  const body = h('div');
  replaceChildren(main, h('h1', {}, 'Consumers'), body);
  const refresh = async () => {
    const { consumers } = await api<{ consumers: ConsumerJson[] }>('/api/consumers', { signal });
    replaceChildren(body, table(consumers));
  };
  await refresh();
  const timer = window.setInterval(() => refresh().catch(() => {}), REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}
