import type { XmlElement, XmlNode } from './parse-xml-safely.js'

/** True for element nodes (as opposed to text). */
export function isElement(node: XmlNode | undefined): node is XmlElement {
  return typeof node === 'object'
}

/** The element children of `element` named `name` (any name when omitted). */
export function childElements(element: XmlElement, name?: string): XmlElement[] {
  return element.children.filter((child): child is XmlElement => isElement(child) && (name === undefined || child.name === name))
}

/** The first element child named `name`, or undefined. */
export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child): child is XmlElement => isElement(child) && child.name === name)
}

/** Follows a path of child names, e.g. `childAt(sp, 'p:nvSpPr', 'p:nvPr', 'p:ph')`. */
export function childAt(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let current = element
  for (const name of path) current = current && childElement(current, name)
  return current
}

/** Every descendant element named `name`, in document order (iterative: depth is bounded anyway, but cheaply). */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = []
  const stack: XmlElement[] = [element]
  while (stack.length > 0) {
    const current = stack.pop() as XmlElement
    if (current !== element && current.name === name) found.push(current)
    const children = childElements(current)
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as XmlElement)
  }
  return found
}
