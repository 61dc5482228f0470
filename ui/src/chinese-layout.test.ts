/** Chinese lines in the window's stylesheet: jsdom lays nothing out, so the rules themselves are
 * read: a button never wraps its words (no "关" over "闭"), Chinese breaks lines as Chinese
 * typesetting does and avoids a last line of one word and its full stop ("等。"). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';

const css = readFileSync(`${process.cwd()}/src/app.css`, 'utf-8').replace(/\/\*[\s\S]*?\*\//g, '');

/** The declarations of every rule whose selector list includes `selector`, joined. */
function declarations(selector: string): string {
  const out: string[] = [];
  for (const m of css.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
    const selectors = m[1]!.split(',').map((s) => s.trim());
    if (selectors.includes(selector)) out.push(m[2]!);
  }
  return out.join(';');
}

describe('the stylesheet, for Chinese', () => {
  it('keeps a button’s words on one line, and keeps it from being squeezed in a notice or a row of actions', () => {
    expect(declarations('button')).toMatch(/white-space:\s*nowrap/);
    for (const s of ['.notice > button', '.actions > button', '.practice-banner > button']) expect(declarations(s), s).toMatch(/flex:\s*0 0 auto/);
  });

  it('breaks Chinese lines strictly, never between the characters of a button, and avoids an orphaned last word', () => {
    expect(declarations(':lang(zh)')).toMatch(/line-break:\s*strict/);
    expect(declarations(':lang(zh) button')).toMatch(/word-break:\s*keep-all/);
    expect(declarations(':lang(zh) p')).toMatch(/text-wrap:\s*pretty/);
  });
});
