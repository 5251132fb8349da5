/**
 * The device's CPU pressure, from the Compute Pressure API where the browser has it (Chromium
 * 125 and later). A mesh call encodes one stream per viewer and decodes one per sender, so a
 * busy machine is the first to stutter. Under `serious` or `critical` pressure the call asks
 * everyone for video one size smaller (call-session.ts: the view sizes it sends), which cuts
 * both the others' encoding for us and our decoding. It asks for full size again only once the
 * pressure is `nominal`: at `fair` it stays where it is, so a call that is fine only because it
 * stepped down does not step back up into trouble.
 */

export type PressureState = 'nominal' | 'fair' | 'serious' | 'critical';

/** Whether to stay constrained, given the latest state. */
export function nextConstrained(constrained: boolean, state: PressureState | undefined): boolean {
  if (state === 'serious' || state === 'critical') return true;
  if (state === 'nominal') return false;
  return constrained;
}

interface PressureObserverLike {
  observe(source: 'cpu', options?: { sampleInterval?: number }): Promise<void>;
  disconnect(): void;
}
type PressureObserverClass = new (callback: (records: Array<{ state: PressureState }>) => void) => PressureObserverLike;

export class CpuPressure {
  constrained = false;
  #observer: PressureObserverLike | undefined;
  #onChange: (constrained: boolean) => void;

  constructor(onChange: (constrained: boolean) => void) {
    this.#onChange = onChange;
  }

  /** Starts watching; nothing happens where the browser has no Compute Pressure API. */
  start(): void {
    const Observer = (globalThis as { PressureObserver?: PressureObserverClass }).PressureObserver;
    if (!Observer || this.#observer) return;
    try {
      this.#observer = new Observer((records) => {
        const next = nextConstrained(this.constrained, records.at(-1)?.state);
        if (next === this.constrained) return;
        this.constrained = next;
        this.#onChange(next);
      });
      // Not allowed (a permissions policy, an iframe): the call goes on unadapted.
      this.#observer.observe('cpu', { sampleInterval: 2000 }).catch(() => this.stop());
    } catch {
      this.#observer = undefined;
    }
  }

  stop(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }
}
