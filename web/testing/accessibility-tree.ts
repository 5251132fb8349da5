/** Chromium's accessibility tree, for component tests (it sees through shadow roots). */
import { a11ySnapshot } from '@web/test-runner-commands';

export interface AXNode {
  role: string;
  name?: string;
  value?: string | number;
  disabled?: boolean;
  pressed?: boolean | 'mixed';
  children?: AXNode[];
}

export async function accessibilityTree(): Promise<AXNode> {
  return (await a11ySnapshot({})) as unknown as AXNode;
}

export function findAX(node: AXNode, role: string, name: string): AXNode | undefined {
  if (node.role === role && node.name === name) return node;
  for (const child of node.children ?? []) {
    const found = findAX(child, role, name);
    if (found) return found;
  }
  return undefined;
}
