/**
 * A new version of the installed app, never forced on a call: when a new service worker waits
 * (it does not take over by itself: sw/sw.ts), the page says "A new version of callroom is
 * ready" with Reload, but only while no call is on. During a call it waits for the call to end
 * (the element's `state-change`). Reload asks the waiting worker to take over, then reloads once
 * it has. Nothing reloads without the person's click.
 *
 * Loaded after the page is up (web/main.ts), so a first visit does not carry it.
 */
import { msg } from '@lit/localize';

/** The element states in which the page is in a call, or about to be. */
const IN_CALL = new Set(['joining', 'knocking', 'joined', 'reconnecting']);
/** How often a long-open page asks whether there is a new version (the browser also asks on navigation). */
const CHECK_EVERY_MS = 30 * 60 * 1000;

function inCall(): boolean {
  for (const room of document.querySelectorAll('call-room')) {
    if (IN_CALL.has((room as unknown as { state?: string }).state ?? '')) return true;
  }
  return false;
}

export function watchForUpdates(registration: ServiceWorkerRegistration): void {
  let prompt: HTMLElement | undefined;

  const consider = () => {
    // A first install is not an update: only a worker waiting behind a controlling one is.
    const ready = !!registration.waiting && !!navigator.serviceWorker.controller;
    const show = ready && !inCall();
    if (show && !prompt) prompt = showPrompt(registration);
    else if (!show && prompt) {
      prompt.remove();
      prompt = undefined;
    }
  };

  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => worker.state === 'installed' && consider());
  });
  document.addEventListener('state-change', consider);
  consider();

  const check = () => void registration.update().catch(() => {});
  setInterval(check, CHECK_EVERY_MS);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && check());
}

function showPrompt(registration: ServiceWorkerRegistration): HTMLElement {
  const prompt = document.createElement('div');
  prompt.className = 'update-prompt';
  prompt.setAttribute('role', 'status');
  const text = document.createElement('span');
  text.textContent = msg('A new version of callroom is ready');
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.textContent = msg('Reload', { desc: 'Update prompt: load the new version' });
  reload.addEventListener('click', () => {
    reload.disabled = true;
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    registration.waiting?.postMessage({ type: 'SKIP_WAITING' });
  });
  prompt.append(text, reload);
  document.body.append(prompt);
  return prompt;
}
