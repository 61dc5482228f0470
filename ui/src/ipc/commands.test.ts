/**
 * The window's command table (./commands.ts) against the Rust side: the commands registered in
 * src-tauri/src/lib.rs and each one's signature in src-tauri/src/commands/. A command, an
 * argument key or a type changed on one side only fails here, not in the user's hands.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';

// The tests run from ui/, as the i18n test's catalog reads do.
const APP = `${process.cwd()}/../src-tauri/src/`;
const TABLE = `${process.cwd()}/src/ipc/commands.ts`;

/** A command as one side declares it: argument keys to types, and the answer's type. */
type Signature = { args: Record<string, string>; ret: string };

/** Splits `text` at `sep` where it is not inside <>, () or []. */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ('<([{'.includes(c)) depth++;
    else if ('>)]}'.includes(c)) depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** `Name<Inner>` as [name, inner], else null. */
function generic(type: string): [string, string] | null {
  const m = /^(?:[\w]+::)*(\w+)\s*<(.*)>$/s.exec(type);
  return m ? [m[1]!, m[2]!.trim()] : null;
}

/** The TypeScript type Tauri and ts-rs make of a Rust type, in the table's spelling. */
function tsOf(rust: string): string {
  const type = rust.trim();
  if (type === '' || type === '()') return 'void';
  if (type === 'String' || type === '&str') return 'string';
  if (type === 'bool') return 'boolean';
  if (/^[iuf](8|16|32|64|128|size)$/.test(type)) return 'number';
  const g = generic(type);
  if (g) {
    const [name, inner] = g;
    const first = splitTop(inner, ',')[0] ?? '';
    if (name === 'Result') return tsOf(first);
    if (name === 'Option') return `${tsOf(first)} | null`;
    if (name === 'Vec') {
      const item = tsOf(first);
      return item.includes('|') ? `(${item})[]` : `${item}[]`;
    }
    return `${name}<${splitTop(inner, ',').map(tsOf).join(', ')}>`;
  }
  return type.replace(/^(?:\w+::)+/, '');
}

/** Parameters Tauri fills in itself: they are not keys the window sends. */
const INJECTED = /^(?:tauri::)?(?:AppHandle|State|Window|Webview|WebviewWindow|ipc::Request|Request)\b/;

/** snake_case to the camelCase key Tauri expects by default. */
const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Every command registered in lib.rs, with its signature from commands/<module>.rs. */
function rustCommands(): Map<string, Signature> {
  const lib = readFileSync(`${APP}lib.rs`, 'utf8');
  const list = /generate_handler!\[([^\]]*)\]/.exec(lib);
  if (!list) throw new Error('no generate_handler![…] in src-tauri/src/lib.rs');
  const commands = new Map<string, Signature>();
  for (const path of splitTop(list[1]!, ',')) {
    const m = /^commands::(\w+)::(\w+)$/.exec(path);
    if (!m) throw new Error(`a command outside commands/<module>: ${path}`);
    const [, module, name] = m as unknown as [string, string, string];
    const source = readFileSync(`${APP}commands/${module}.rs`, 'utf8');
    const at = new RegExp(`#\\[tauri::command\\]\\s*pub\\s+(?:async\\s+)?fn\\s+${name}\\s*(?:<[^>]*>)?\\s*\\(`).exec(source);
    if (!at) throw new Error(`no #[tauri::command] fn ${name} in commands/${module}.rs`);
    // The parameters run to the parenthesis that closes the one found.
    let depth = 1;
    let i = at.index + at[0].length;
    const open = i;
    while (depth > 0 && i < source.length) {
      if (source[i] === '(') depth++;
      else if (source[i] === ')') depth--;
      i++;
    }
    const params = source.slice(open, i - 1);
    const ret = /^\s*(?:->\s*([^{]*?))?\s*(?:where\b[^{]*)?\{/s.exec(source.slice(i));
    const args: Record<string, string> = {};
    for (const param of splitTop(params, ',')) {
      const [pname, ...type] = param.split(':');
      const rust = type.join(':').trim();
      if (INJECTED.test(rust)) continue;
      args[camel(pname!.trim())] = tsOf(rust);
    }
    commands.set(name, { args, ret: tsOf(ret?.[1] ?? '') });
  }
  return commands;
}

/** The `Commands` type of commands.ts, as written. */
function tableCommands(): Map<string, Signature> {
  const file = ts.createSourceFile(TABLE, readFileSync(TABLE, 'utf8'), ts.ScriptTarget.Latest, true);
  const aliases = new Map<string, ts.TypeNode>();
  file.forEachChild((n) => {
    if (ts.isTypeAliasDeclaration(n)) aliases.set(n.name.text, n.type);
  });
  const table = aliases.get('Commands');
  if (!table || !ts.isTypeLiteralNode(table)) throw new Error('no `type Commands = { … }` in commands.ts');
  const members = (node: ts.TypeNode): Map<string, ts.TypeNode> => {
    // `None` and the like: follow an alias to what it names.
    const named = ts.isTypeReferenceNode(node) ? aliases.get(node.typeName.getText(file)) : undefined;
    if (named) return members(named);
    const out = new Map<string, ts.TypeNode>();
    if (ts.isTypeLiteralNode(node)) {
      for (const m of node.members) if (ts.isPropertySignature(m) && m.type) out.set(m.name.getText(file), m.type);
    }
    return out;
  };
  const commands = new Map<string, Signature>();
  for (const [name, node] of members(table)) {
    const parts = members(node);
    const args = Object.fromEntries([...members(parts.get('args')!)].map(([k, t]) => [k, t.getText(file)]));
    commands.set(name, { args, ret: parts.get('ret')!.getText(file) });
  }
  return commands;
}

/** One spelling for a type: no spaces, the members of a union in order. */
const norm = (type: string) => splitTop(type.replace(/\s+/g, ''), '|').sort().join('|');
const normalised = (s: Signature): Signature => ({
  args: Object.fromEntries(Object.entries(s.args).map(([k, t]) => [k, norm(t)])),
  ret: norm(s.ret),
});

describe('the command table', () => {
  const rust = rustCommands();
  const table = tableCommands();

  it('reads both sides', () => {
    expect(rust.size, 'the Rust command list was read').toBeGreaterThan(20);
    expect(rust.get('run_check'), 'Rust parameters in snake_case become camelCase keys; AppHandle and State are not sent').toEqual({
      args: { request: 'CheckRequest', locale: 'Locale | null', onLookup: 'Channel<LookupEvent>' },
      ret: 'CheckReport',
    });
  });

  it('names every command Rust registers, and no other', () => {
    expect([...table.keys()].sort(), 'commands.ts and generate_handler! in lib.rs list the same commands').toEqual([...rust.keys()].sort());
  });

  it('sends every command the argument keys and types its Rust function takes', () => {
    for (const [name, signature] of rust) {
      const ours = table.get(name);
      if (!ours) continue; // told by the test above
      expect(normalised(ours), `${name}: commands.ts against its #[tauri::command] fn`).toEqual(normalised(signature));
    }
  });
});
