/**
 * Builds DOM nodes. Text always goes in as text nodes (never markup), so nothing taken from an event can become
 * an element or a script.
 */

type Child = Node | string | number | null | undefined | false;

/** An element with attributes (never `on*` handlers: those are added with addEventListener) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (/^on/i.test(name)) throw new Error(`refusing the event-handler attribute ${name}`);
    element.setAttribute(name, value);
  }
  append(element, ...children);
  return element;
}

/** Appends children, strings as text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A block of pretty-printed JSON, as text. */
export function jsonBlock(value: unknown, className = 'json'): HTMLPreElement {
  const pre = h('pre', { class: className });
  pre.textContent = JSON.stringify(value, null, 2) ?? 'undefined';
  return pre;
}

/** A short, readable local time with the full ISO time as a tooltip. */
export function time(iso: string): HTMLTimeElement {
  const date = new Date(iso);
  const shown = Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
  return h('time', { datetime: iso, title: iso }, shown);
}

/** A status line (errors in red). */
export function notice(text: string, kind: 'info' | 'error' = 'info'): HTMLParagraphElement {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
