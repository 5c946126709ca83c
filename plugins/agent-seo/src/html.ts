import { parse } from 'node-html-parser';

export interface Heading {
  level: number;
  text: string;
}

export interface ExtractedPage {
  /** Visible text, one block element per line. */
  text: string;
  title?: string;
  metaDescription?: string;
  headings: Heading[];
}

const INVISIBLE = 'script, style, noscript, template, svg, iframe, head';

/** Visible text, `<title>`, meta description and the h1–h6 outline of an HTML document or fragment. */
export function extractPage(html: string): ExtractedPage {
  const root = parse(html, { comment: false, blockTextElements: { script: true, style: true, noscript: true, pre: true } });
  const title = root.querySelector('title')?.text.replace(/\s+/g, ' ').trim();
  const metaDescription = root.querySelector('meta[name="description"]')?.getAttribute('content')?.replace(/\s+/g, ' ').trim();
  const headings = root.querySelectorAll('h1, h2, h3, h4, h5, h6').map((h) => ({
    level: Number(h.tagName.slice(1)),
    text: h.text.replace(/\s+/g, ' ').trim(),
  }));
  for (const el of root.querySelectorAll(INVISIBLE)) el.remove();
  const body = root.querySelector('body') ?? root;
  const page: ExtractedPage = { text: body.structuredText, headings };
  if (title) page.title = title;
  if (metaDescription !== undefined) page.metaDescription = metaDescription;
  return page;
}
