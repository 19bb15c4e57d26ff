/** One stream's events, forward or backward, a page at a time. */
import { api, query } from './api.js';
import { h, notice, replaceChildren } from './dom.js';
import { eventCard } from './event-view.js';
import { streamLink } from './links.js';
import type { EventJson, PageContext } from './types.js';

interface EventPage {
  events: EventJson[];
  next: number | null;
}

interface StreamInfo {
  revision: number;
}

/** The stream page. */
export async function streamPage({ main, params, signal, info }: PageContext): Promise<void> {
  const id = params.get('id') ?? '';
  const direction = params.get('dir') === 'backward' ? 'backward' : 'forward';
  const fromText = params.get('from');
  const from = fromText !== null && /^[0-9]+$/.test(fromText) ? Number(fromText) : undefined;
  const title = h('h1', {}, h('span', { class: 'muted' }, 'Stream '), h('span', { class: 'stream-id' }, id));
  replaceChildren(main, title, notice('Loading…'));
  const [stream, page] = await Promise.all([
    api<StreamInfo>(`/api/stream${query({ id })}`, { signal }),
    api<EventPage>(`/api/stream/events${query({ id, direction, from, limit: 50 })}`, { signal }),
  ]);
  const otherDirection = direction === 'forward' ? 'backward' : 'forward';
  const toolbar = h(
    'div',
    { class: 'toolbar' },
    h('span', {}, `revision ${stream.revision}`),
    h('a', { href: streamLink(id) }, 'first events'),
    info.capabilities.backwardRead === true ? h('a', { href: streamLink(id, { direction: 'backward' }) }, 'latest events') : null,
    info.capabilities.backwardRead === true || otherDirection === 'forward'
      ? h('a', { href: streamLink(id, { direction: otherDirection }) }, `read ${otherDirection}`)
      : null,
  );
  const events = h(
    'section',
    { class: 'events' },
    ...page.events.map((event) => eventCard(event, { showStream: false, open: true })),
  );
  replaceChildren(
    main,
    title,
    toolbar,
    page.events.length === 0 ? notice('No events on this page.') : events,
    page.next === null ? null : h('a', { class: 'pager', href: streamLink(id, { direction, from: page.next }) }, 'Next page →'),
  );
}
