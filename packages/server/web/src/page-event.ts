/** One event in full: where it is, its ids and times, its data and metadata. */
import { api, query } from './api.js';
import { h, jsonBlock, replaceChildren, time } from './dom.js';
import { eventLink, streamLink } from './links.js';
import type { EventJson, PageContext } from './types.js';

/** The event page. */
export async function eventPage({ main, params, signal }: PageContext): Promise<void> {
  const stream = params.get('stream') ?? '';
  const revision = Number(params.get('revision'));
  const event = await api<EventJson>(`/api/stream/event${query({ id: stream, revision })}`, { signal });
  const field = (name: string, value: Node | string) => [h('dt', {}, name), h('dd', {}, value)];
  replaceChildren(
    main,
    h('h1', {}, h('span', { class: 'muted' }, 'Event '), h('span', { class: 'type' }, event.type)),
    h(
      'dl',
      { class: 'fields' },
      ...field('stream', h('a', { class: 'stream-id', href: streamLink(event.streamId) }, event.streamId)),
      ...field('revision', String(event.revision)),
      ...field('position', event.position ?? '—'),
      ...field('event id', event.id),
      ...field('timestamp', time(event.timestamp)),
      ...field('recorded at', time(event.recordedAt)),
    ),
    h(
      'div',
      { class: 'toolbar' },
      event.revision > 1 ? h('a', { href: eventLink(event.streamId, event.revision - 1) }, '← previous') : null,
      h('a', { href: eventLink(event.streamId, event.revision + 1) }, 'next →'),
    ),
    h('h2', {}, 'data'),
    jsonBlock(event.data),
    h('h2', {}, 'metadata'),
    jsonBlock(event.metadata),
  );
}
