/**
 * Dispatches a composed, bubbling event from a component's host (the one way components talk up).
 * It knows every component event: the names and detail types come from the components'
 * `HTMLElementEventMap` augmentations, so a wrong name or detail does not compile.
 */

/** The events some component declares as `CustomEvent<Detail>`. */
export type ComponentEventName = {
  [K in keyof HTMLElementEventMap]: HTMLElementEventMap[K] extends CustomEvent<unknown> ? K : never;
}[keyof HTMLElementEventMap];

export type DetailOf<K extends ComponentEventName> = HTMLElementEventMap[K] extends CustomEvent<infer Detail> ? Detail : never;

/** An event without a detail takes none; every other one takes exactly its own. */
type DetailArgument<K extends ComponentEventName> = [DetailOf<K>] extends [undefined] ? [] : [detail: DetailOf<K>];

export function emit<K extends ComponentEventName>(host: HTMLElement, name: K, ...[detail]: DetailArgument<K>): boolean {
  return host.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, cancelable: true, detail }));
}
