import { hashToUnit } from './stable-hash.js'

/** Which dataset split a conversation belongs to. */
export type Split = 'train' | 'validation'

/**
 * Assigns a stable train/validation split from a key (e.g. `${chunkId}|${question}`): the
 * same key always lands in the same split, and about `validationShare` of keys land in
 * validation.
 *
 * @default validationShare 0.05
 * @example assignSplit('file-1#0|What is a claim?') // => 'train'
 */
export function assignSplit(key: string, validationShare = 0.05): Split {
  return hashToUnit(key, 0x5eed) < validationShare ? 'validation' : 'train'
}
