import { isParamSegment } from './knownTemplates.ts';

/**
 * Names the parameters of a generalized key after the literal before them: `/users/{}/orders/{}` ->
 * `/users/{user_id}/orders/{order_id}`; a parameter after a parameter gets a numbered name.
 *
 * @example
 * nameTemplate('/repos/{}/{}') // '/repos/{repo_id}/{repo_id_2}'
 */
export function nameTemplate(key: string): string {
  if (!key.includes('{}')) return key;
  const segs = key.split('/');
  const used = new Set<string>();
  let prev = '';
  for (let i = 1; i < segs.length; i++) {
    if (segs[i] !== '{}') { prev = segs[i]; continue; }
    let base = (singular(prev).replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'param') + '_id';
    if (/^\d/.test(base)) base = 'p' + base;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    segs[i] = `{${name}}`;
  }
  return segs.join('/');
}

function singular(w: string): string {
  if (/ies$/i.test(w)) return w.slice(0, -3) + 'y';
  if (/(?:ss|us)$/i.test(w)) return w;
  if (/(?:xes|ches|shes|sses)$/i.test(w)) return w.slice(0, -2);
  if (/s$/i.test(w) && w.length > 3) return w.slice(0, -1);
  return w;
}

/** Parameter names of a template, in order: `/users/{id}/x/{k}` -> `['id', 'k']`. */
export function paramNames(template: string): string[] {
  const out: string[] = [];
  for (const seg of template.split('/')) if (isParamSegment(seg)) out.push(seg.slice(1, -1));
  return out;
}

/** Indexes (in the split path, leading '' excluded) of the parameter segments of a template. */
export function paramPositions(template: string): number[] {
  const segs = template.split('/');
  const out: number[] = [];
  for (let i = 1; i < segs.length; i++) if (isParamSegment(segs[i])) out.push(i - 1);
  return out;
}
