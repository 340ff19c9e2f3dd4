// A strict XML reader for tests (sax in strict mode: any well-formedness error throws) that returns a
// small element tree, plus an Atom 1.0 (RFC 4287) check of the parts feed readers rely on.
import sax from 'sax';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export function parseXml(text: string): XmlElement {
  const parser = sax.parser(true, { xmlns: false, trim: false });
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  parser.onerror = (e) => {
    throw e;
  };
  parser.onopentag = (tag) => {
    const el: XmlElement = { name: tag.name, attrs: Object.fromEntries(Object.entries(tag.attributes).map(([k, v]) => [k, String(v)])), children: [], text: '' };
    stack[stack.length - 1]!.children.push(el);
    stack.push(el);
  };
  parser.onclosetag = () => void stack.pop();
  parser.ontext = (t) => {
    stack[stack.length - 1]!.text += t;
  };
  parser.oncdata = (t) => {
    stack[stack.length - 1]!.text += t;
  };
  parser.write(text).close();
  if (root.children.length !== 1) throw new Error(`expected one root element, got ${root.children.length}`);
  return root.children[0]!;
}

export const childrenNamed = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);
export const child = (el: XmlElement, name: string) => childrenNamed(el, name)[0];

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Problems with an Atom feed, empty when it meets RFC 4287's MUSTs that readers depend on. */
export function atomProblems(feed: XmlElement): string[] {
  const p: string[] = [];
  if (feed.name !== 'feed' || feed.attrs.xmlns !== 'http://www.w3.org/2005/Atom') p.push('root is not an Atom <feed>');
  const one = (el: XmlElement, name: string, where: string) => {
    const n = childrenNamed(el, name).length;
    if (n !== 1) p.push(`${where}: ${n} <${name}> elements, want exactly 1`);
  };
  const date = (el: XmlElement, name: string, where: string) => {
    const d = child(el, name);
    if (d && !RFC3339.test(d.text.trim())) p.push(`${where}: <${name}> ${d.text} is not an RFC 3339 date`);
  };
  for (const n of ['id', 'title', 'updated']) one(feed, n, 'feed');
  date(feed, 'updated', 'feed');
  if (!childrenNamed(feed, 'link').some((l) => l.attrs.rel === 'self')) p.push('feed: no link rel="self"');
  const feedAuthor = childrenNamed(feed, 'author').length > 0;
  const ids = new Set<string>();
  childrenNamed(feed, 'entry').forEach((e, i) => {
    const where = `entry ${i}`;
    for (const n of ['id', 'title', 'updated']) one(e, n, where);
    date(e, 'updated', where);
    date(e, 'published', where);
    if (!feedAuthor && childrenNamed(e, 'author').length === 0) p.push(`${where}: no author`);
    if (!childrenNamed(e, 'link').some((l) => (l.attrs.rel ?? 'alternate') === 'alternate' && /^https?:\/\//.test(l.attrs.href ?? ''))) p.push(`${where}: no absolute alternate link`);
    const id = child(e, 'id')?.text ?? '';
    if (ids.has(id)) p.push(`${where}: duplicate id ${id}`);
    ids.add(id);
  });
  return p;
}
