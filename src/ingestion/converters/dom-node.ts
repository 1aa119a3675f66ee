/**
 * The slice of the DOM the converters touch. The project compiles without the DOM lib, and in
 * Node turndown hands us nodes of its bundled DOM (domino), so this states what we rely on.
 */
export interface DomNode {
  readonly nodeType: number
  /** Upper-case tag name for HTML elements, `#text` for text. */
  readonly nodeName: string
  readonly nodeValue: string | null
  readonly parentNode: DomNode | null
  readonly nextSibling: DomNode | null
  readonly firstChild: DomNode | null
  readonly childNodes: ArrayLike<DomNode>
  readonly textContent: string | null
  /** Elements only. */
  getAttribute(name: string): string | null
  /** Elements only. */
  getElementsByTagName(name: string): ArrayLike<DomNode>
  /** Elements only. */
  querySelectorAll(selectors: string): ArrayLike<DomNode>
  removeChild(child: DomNode): DomNode
}

/** `Node.ELEMENT_NODE`. */
export const ELEMENT_NODE = 1
/** `Node.TEXT_NODE`. */
export const TEXT_NODE = 3

/** Views a node turndown passes to a rule (typed against the DOM lib we do not load) as a {@link DomNode}. */
export function asDomNode(node: unknown): DomNode {
  return node as DomNode
}

/** Detaches a node from its parent, if it has one. */
export function detach(node: DomNode): void {
  node.parentNode?.removeChild(node)
}

/** The element children of a node (walks the sibling links, which is cheaper than `childNodes` in domino). */
export function elementChildren(node: DomNode): DomNode[] {
  const children: DomNode[] = []
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) children.push(child)
  }
  return children
}
