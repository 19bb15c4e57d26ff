/**
 * The global log (or one category): new events appear at the top as they commit (a live tail over server-sent
 * events), and the log can be paged through from the start below it.
 */
import { api, live, query } from './api.js';
import { h, notice, replaceChildren } from './dom.js';
import { eventCard } from './event-view.js';
import { categoryLink, logLink } from './links.js';
import type { EventJson, PageContext } from './types.js';

interface LogPage {
  events: EventJson[];
  next: string | null;
}

/** Most live events kept on screen: older ones drop off the bottom. */
const KEPT = 200;

/** The log page. */
export async function logPage({ main, params, signal, info }: PageContext): Promise<void> {
  const category = params.get('category') ?? undefined;
  const after = params.get('after') ?? undefined;
  const heading = category === undefined ? 'Global log' : `Category ${category}`;
  if (info.capabilities.globalOrder !== true) {
    replaceChildren(main, h('h1', {}, heading), notice(`The ${info.backend} backend keeps no global log.`, 'error'));
    return;
  }
  const status = h('span', { class: 'live-status', id: 'live-status' }, 'connecting…');
  const tail = h('section', { class: 'events live', id: 'live' });
  const history = h('section', { class: 'events' });
  const pager = h('div');
  replaceChildren(
    main,
    h('h1', {}, heading),
    h('h2', {}, 'Live ', status),
    tail,
    h('h2', {}, after === undefined ? 'From the start' : `After position ${after}`),
    history,
    pager,
  );

  const livePath = category === undefined ? '/api/log/live' : `/api/category/live${query({ name: category })}`;
  live(livePath, signal, (message) => {
    if (message.event === 'live') status.textContent = 'live';
    if (message.event === 'error') status.textContent = 'ended';
    if (message.event !== 'event') return;
    const event = JSON.parse(message.data) as EventJson;
    tail.prepend(eventCard(event, { showStream: true }));
    while (tail.childElementCount > KEPT) tail.lastElementChild?.remove();
  }).then(
    () => {
      status.textContent = 'disconnected';
    },
    (error: Error) => {
      if (error.name !== 'AbortError') status.textContent = `disconnected: ${error.message}`;
    },
  );

  const pagePath =
    category === undefined
      ? `/api/log${query({ after, limit: 50 })}`
      : `/api/category/events${query({ name: category, after, limit: 50 })}`;
  const page = await api<LogPage>(pagePath, { signal });
  replaceChildren(
    history,
    ...(page.events.length === 0 ? [notice('No events.')] : page.events.map((event) => eventCard(event, { showStream: true }))),
  );
  if (page.next !== null) {
    const href = category === undefined ? logLink(page.next) : categoryLink(category, page.next);
    replaceChildren(pager, h('a', { class: 'pager', href }, 'Next page →'));
  }
}
