/**
 * This device's DTLS certificate, kept in IndexedDB (an RTCCertificate can be stored), so its
 * fingerprint stays the same from call to call: a person once verified by their safety code
 * stays verified on this device. A new one is made when none is stored, when it expires within
 * a day, or where IndexedDB is not available (then for this page only).
 */
const DB = 'callroom';
const STORE = 'keys';
const KEY = 'dtls-certificate';
const DAY_MS = 24 * 60 * 60 * 1000;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open(): Promise<IDBDatabase> {
  const req = indexedDB.open(DB, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

const generate = () =>
  RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256', expires: 365 * DAY_MS } as EcKeyGenParams & {
    expires: number;
  });

export async function deviceCertificate(): Promise<RTCCertificate | undefined> {
  try {
    const db = await open();
    try {
      const stored = (await request(db.transaction(STORE).objectStore(STORE).get(KEY))) as RTCCertificate | undefined;
      if (stored && stored.expires - Date.now() > DAY_MS) return stored;
      const fresh = await generate();
      await request(db.transaction(STORE, 'readwrite').objectStore(STORE).put(fresh, KEY));
      return fresh;
    } finally {
      db.close();
    }
  } catch {
    return generate().catch(() => undefined);
  }
}
