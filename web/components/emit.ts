/** Dispatches a composed, bubbling event from a component's host (the one way components talk up). */
export function emit<T>(host: HTMLElement, name: string, detail?: T): boolean {
  return host.dispatchEvent(new CustomEvent<T>(name, { bubbles: true, composed: true, cancelable: true, detail }));
}
