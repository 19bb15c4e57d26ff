/** How an event is shown: a heading line with links, then its data and metadata pretty-printed. */
import { h, jsonBlock, time } from './dom.js';
import { eventLink, streamLink } from './links.js';
import type { EventJson } from './types.js';

/** A one-line summary of an event with links to it and its stream. */
export function eventHeading(event: EventJson, options: { showStream: boolean }): HTMLElement {
  return h(
    'div',
    { class: 'event-head' },
    options.showStream ? h('a', { class: 'stream-id', href: streamLink(event.streamId) }, event.streamId) : null,
    h(
      'a',
      { class: 'revision', href: eventLink(event.streamId, event.revision), title: 'open this event' },
      `#${event.revision}`,
    ),
    h('span', { class: 'type' }, event.type),
    event.position === null ? null : h('span', { class: 'position', title: 'global position' }, `@${event.position}`),
    time(event.recordedAt),
  );
}

/** An event with its data and metadata (metadata only when there is some). */
export function eventCard(event: EventJson, options: { showStream: boolean; open?: boolean }): HTMLElement {
  const hasMetadata = Object.keys(event.metadata).length > 0;
  const details = h(
    'details',
    options.open ? { open: '' } : {},
    h('summary', {}, 'data', hasMetadata ? ' and metadata' : ''),
    jsonBlock(event.data),
    hasMetadata ? h('div', { class: 'label' }, 'metadata') : null,
    hasMetadata ? jsonBlock(event.metadata) : null,
  );
  return h('article', { class: 'event', 'data-revision': String(event.revision) }, eventHeading(event, options), details);
}
