/**
 * Text from DNS or a snapshot file made safe to paste into a POSIX shell. A queried name
 * comes from whoever controls a zone (an SPF `include:` target is any TXT text) or from a
 * file a customer sent: `a.example;id;#.example` must be one argument, never a command.
 */

/** `value` as one POSIX shell word: plain when it holds only characters no shell reads
 * specially, else in single quotes, inside which nothing is special; a `'` is written as
 * `'\''` (close, an escaped quote, reopen). */
export function quote(value: string): string {
  if (/^[A-Za-z0-9._:@+=%/-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A DNS server as `host[:port]`, `[v6]:port` or a bare address, split for `dig`. */
function server(addr: string): { host: string; port: string | null } {
  const m = addr.match(/^\[?([^\]]+?)\]?:(\d+)$/);
  if (m && (addr.startsWith('[') || !m[1]!.includes(':'))) {
    return { host: m[1]!, port: m[2] === '53' ? null : m[2]! };
  }
  return { host: addr.replace(/^\[|\]$/g, ''), port: null };
}

/**
 * The `dig` command that asks `addr` (a server, with its port when not 53) for `name`'s
 * `rtype` records, every value quoted as one word; `+norecurse` when asking the DNS host's
 * own server. `null` when the name holds a character no host name has (a control or a line
 * break): such a name cannot be typed faithfully, so no command is offered for it.
 */
export function digCommand(addr: string, name: string, rtype: string, direct: boolean): string | null {
  if (/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name + addr + rtype)) return null;
  const s = server(addr);
  const words = ['dig', `@${quote(s.host)}`];
  if (s.port) words.push('-p', quote(s.port));
  words.push(quote(name), quote(rtype));
  if (direct) words.push('+norecurse');
  return words.join(' ');
}
