import { parseXmlSafely } from '../parse-xml-safely.js'
import { childElements } from '../query-xml.js'

/** One internal relationship of an OPC part, with its target resolved to a part name. */
export interface Relationship {
  id: string
  /** The relationship type URI, e.g. `…/relationships/slide`. */
  type: string
  /** Part name inside the package, e.g. `ppt/slides/slide1.xml`. */
  target: string
}

/**
 * The internal relationships of a part (from `<dir>/_rels/<name>.rels`), keyed by id. A part
 * without a relationships file has none; external targets (hyperlinks) are skipped.
 */
export function readRelationships(parts: ReadonlyMap<string, Uint8Array>, partName: string): Map<string, Relationship> {
  const slash = partName.lastIndexOf('/')
  const relsName = `${partName.slice(0, slash + 1)}_rels/${partName.slice(slash + 1)}.rels`
  const bytes = parts.get(relsName)
  const relationships = new Map<string, Relationship>()
  if (!bytes) return relationships
  for (const rel of childElements(parseXmlSafely(bytes, { label: relsName }), 'Relationship')) {
    const { Id: id, Type: type = '', Target: target, TargetMode: mode } = rel.attributes
    if (!id || !target || mode === 'External') continue
    relationships.set(id, { id, type, target: resolvePartName(partName, target) })
  }
  return relationships
}

/** Resolves a relationship target against the part that holds it (`../notesSlides/n1.xml`, or `/ppt/…` from the root). */
export function resolvePartName(source: string, target: string): string {
  const base = target.startsWith('/') ? [] : source.split('/').slice(0, -1)
  for (const segment of target.split('/')) {
    if (segment === '..') base.pop()
    else if (segment !== '.' && segment !== '') base.push(decodeURIComponentSafely(segment))
  }
  return base.join('/')
}

function decodeURIComponentSafely(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** True when a relationship type URI ends with `/<kind>` (transitional and strict OOXML differ only in the prefix). */
export function isRelationshipOf(relationship: Relationship, kind: string): boolean {
  return relationship.type.endsWith(`/${kind}`)
}
