/** RFC 6901: the value at `pointer` in `doc`, or undefined when any step is missing. */
export function getAtPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let node: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (typeof node === 'object' && node !== null && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else return undefined;
  }
  return node;
}

const escapeToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every string value in `doc`, depth first in key order, with its JSON Pointer. */
export function stringLeaves(doc: unknown, path = ''): Array<{ path: string; value: string }> {
  if (typeof doc === 'string') return [{ path, value: doc }];
  if (Array.isArray(doc)) return doc.flatMap((v, i) => stringLeaves(v, `${path}/${i}`));
  if (typeof doc === 'object' && doc !== null) return Object.entries(doc).flatMap(([k, v]) => stringLeaves(v, `${path}/${escapeToken(k)}`));
  return [];
}
