// A strict well-formedness checker for the HTML/SVG the report emits (tests only): balanced tags, quoted and
// unique attributes, only known entities, no stray '<' in text, void elements only outside SVG.

const VOID = new Set(['meta', 'link', 'br', 'img', 'input', 'hr', 'wbr', 'col', 'area', 'base', 'source']);
const ENTITY = /&(?:amp|lt|gt|quot|#39|#\d+|#x[0-9a-fA-F]+|nbsp);/y;

export interface MarkupStats {
  elements: Map<string, number>;
  errors: string[];
}

function checkText(s: string, where: number, errors: string[]): void {
  for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) {
    ENTITY.lastIndex = i;
    if (!ENTITY.test(s)) errors.push(`bad entity at ${where + i}: ${JSON.stringify(s.slice(i, i + 12))}`);
  }
}

/**
 * Checks `doc` (an HTML document or an SVG fragment). In `xml` mode every element must be closed explicitly
 * (self-closing allowed everywhere); in HTML mode void elements need no close and self-closing is allowed
 * only inside <svg>.
 */
export function checkMarkup(doc: string, mode: 'html' | 'xml' = 'html'): MarkupStats {
  const errors: string[] = [];
  const elements = new Map<string, number>();
  let s = doc;
  if (mode === 'html') {
    if (!/^<!DOCTYPE html>\s*/i.test(s)) errors.push('missing <!DOCTYPE html>');
    s = s.replace(/^<!DOCTYPE html>/i, '');
  }
  // Raw-text element: CSS may hold characters that are not markup.
  s = s.replace(/<style>[\s\S]*?<\/style>/g, (m) => (m.slice(7, -8).includes('</') ? '<style>!</style>' : '<style></style>'));
  const stack: string[] = [];
  const token = /<!--[\s\S]*?-->|<\/([a-zA-Z][\w:-]*)\s*>|<([a-zA-Z][\w:-]*)((?:\s+[a-zA-Z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(s)) !== null) {
    const [, close, open, attrs, selfClose, txt, stray] = m;
    if (stray) {
      errors.push(`stray '<' at ${m.index}: ${JSON.stringify(s.slice(m.index, m.index + 30))}`);
      continue;
    }
    if (txt !== undefined) {
      checkText(txt, m.index, errors);
      continue;
    }
    if (open) {
      const name = open.toLowerCase();
      elements.set(name, (elements.get(name) ?? 0) + 1);
      const names = [...(attrs ?? '').matchAll(/([a-zA-Z_:][\w:.-]*)="([^"]*)"/g)];
      const seen = new Set<string>();
      for (const [, an, av] of names) {
        if (seen.has(an!)) errors.push(`duplicate attribute ${an} on <${name}> at ${m.index}`);
        seen.add(an!);
        checkText(av!, m.index, errors);
      }
      const inSvg = stack.includes('svg') || name === 'svg';
      if (selfClose) {
        if (mode === 'html' && !inSvg && !VOID.has(name)) errors.push(`self-closed non-void <${name}/> outside svg at ${m.index}`);
        continue;
      }
      if (mode === 'html' && VOID.has(name) && !inSvg) continue;
      stack.push(name);
      continue;
    }
    if (close) {
      const name = close.toLowerCase();
      const top = stack.pop();
      if (top !== name) errors.push(`</${name}> at ${m.index} closes <${top ?? 'nothing'}>`);
    }
  }
  if (stack.length > 0) errors.push(`unclosed: ${stack.join(' > ')}`);
  return { elements, errors };
}
