/**
 * Summarizes a V8 heap snapshot by what each node is (constructor name for objects, "(string)",
 * "(closure) name", "(array)", …): count and shallow size. Two summaries subtracted and divided
 * by the number of clients show what one client costs.
 */
import { readFile } from 'node:fs/promises';

export type HeapSummary = Map<string, { count: number; size: number }>;

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export async function summarizeSnapshot(file: string): Promise<HeapSummary> {
  const data = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out: HeapSummary = new Map();
  for (let i = 0; i < data.nodes.length; i += stride) {
    const type = types[data.nodes[i + typeAt]!]!;
    const name = data.strings[data.nodes[i + nameAt]!] ?? '';
    let key: string;
    if (type === 'object') key = name;
    else if (type === 'closure') key = `(closure)`;
    else if (type === 'string' || type === 'concatenated string' || type === 'sliced string') key = '(string)';
    else if (type === 'native') key = `(native) ${name}`;
    else key = `(${type})`;
    const entry = out.get(key) ?? { count: 0, size: 0 };
    entry.count += 1;
    entry.size += data.nodes[i + sizeAt]!;
    out.set(key, entry);
  }
  return out;
}

/** What grew between two summaries, per client, largest first. */
export function perClient(before: HeapSummary, after: HeapSummary, clients: number, top = 15) {
  const rows: Array<{ what: string; countPerClient: number; bytesPerClient: number }> = [];
  for (const [what, a] of after) {
    const b = before.get(what) ?? { count: 0, size: 0 };
    rows.push({ what, countPerClient: (a.count - b.count) / clients, bytesPerClient: (a.size - b.size) / clients });
  }
  return rows.sort((x, y) => y.bytesPerClient - x.bytesPerClient).slice(0, top);
}
