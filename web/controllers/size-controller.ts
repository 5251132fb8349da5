/** Tracks the size of an element inside the host's shadow root (for the video grid's layout). */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class SizeController implements ReactiveController {
  #host: ReactiveControllerHost;
  #observer: ResizeObserver | undefined;
  #target: Element | undefined;
  #frame = 0;
  width = 0;
  height = 0;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Observes `element` (call from the host's `updated`; re-observing the same one is free). */
  observe(element: Element | null | undefined): void {
    if (!element || element === this.#target) return;
    this.#observer ??= new ResizeObserver(([entry]) => {
      const { width, height } = entry!.contentRect;
      if (Math.round(width) === Math.round(this.width) && Math.round(height) === Math.round(this.height)) return;
      this.width = width;
      this.height = height;
      // Next frame: a layout change in this one would be a ResizeObserver loop (an error event).
      cancelAnimationFrame(this.#frame);
      this.#frame = requestAnimationFrame(() => this.#host.requestUpdate());
    });
    if (this.#target) this.#observer.unobserve(this.#target);
    this.#target = element;
    this.#observer.observe(element);
  }

  hostConnected(): void {
    if (this.#target) this.#observer?.observe(this.#target);
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.#frame);
    this.#observer?.disconnect();
    this.#target = undefined;
  }
}
