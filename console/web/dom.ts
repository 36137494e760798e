// A tiny element builder: the page is small enough that plain DOM calls, named well, beat a framework.
export type Child = Node | string | number | null | undefined | false;
type Attribute = string | number | boolean | undefined | ((event: Event) => void);

/** `h('a', { href, testid: 'order-link' }, 'ORD-1')`; `on<event>` attributes add listeners, `testid` is data-testid. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, Attribute> = {}, ...children: (Child | readonly Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'testid') element.dataset['testid'] = String(value);
    else if (name === 'class') element.className = String(value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly (Child | readonly Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replace what a container shows. */
export function show(container: Element, ...children: (Child | readonly Child[])[]): void {
  container.replaceChildren();
  append(container, children);
}

export const time = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '–');
