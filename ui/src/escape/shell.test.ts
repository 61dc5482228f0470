import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { digCommand, quote } from './shell';

/** What a POSIX shell makes of `command`: the words `dig` would receive, one a line. */
function shellWords(command: string): string[] {
  const script = command.replace(/^dig /, 'printf "%s\\n" ');
  return execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' }).split('\n').slice(0, -1);
}

const HOSTILE = [
  'a.example;id;#.example',
  "it's$(id)`id`.example",
  'a.example && touch /tmp/pwned',
  'a.example | cat /etc/passwd',
  '$HOME*.example',
  "'",
  "\\'; id; '",
  '',
];

describe('shell quoting', () => {
  it('keeps every hostile name one argument that runs nothing', () => {
    for (const name of HOSTILE) {
      const command = digCommand('192.0.2.53', name, 'TXT', true)!;
      expect(shellWords(command), `${JSON.stringify(name)} as ${command}`).toEqual([
        '@192.0.2.53',
        name,
        'TXT',
        '+norecurse',
      ]);
    }
  });

  it('leaves plain host names readable', () => {
    expect(digCommand('192.0.2.53', 'example.com', 'MX', true)).toBe('dig @192.0.2.53 example.com MX +norecurse');
    expect(quote('_dmarc.example.com')).toBe('_dmarc.example.com');
    expect(quote('a b')).toBe("'a b'");
  });

  it('asks the server on its own port', () => {
    expect(digCommand('127.0.0.1:5300', 'example.com', 'TXT', false)).toBe('dig @127.0.0.1 -p 5300 example.com TXT');
    expect(digCommand('[2001:db8::1]:5353', 'example.com', 'MX', false)).toBe('dig @2001:db8::1 -p 5353 example.com MX');
    expect(digCommand('192.0.2.1:53', 'example.com', 'MX', false)).toBe('dig @192.0.2.1 example.com MX');
    expect(digCommand('2001:db8::1', 'example.com', 'MX', false)).toBe('dig @2001:db8::1 example.com MX');
  });

  it('offers no command for a name with a line break or control character', () => {
    expect(digCommand('192.0.2.53', 'a.example\nid', 'TXT', false)).toBeNull();
    expect(digCommand('192.0.2.53', 'a\u001b]0;x\u0007', 'TXT', false)).toBeNull();
    expect(digCommand('192.0.2.53', 'a\u202eexample', 'TXT', false)).toBeNull();
  });

  it('quotes a hostile server address from a snapshot too', () => {
    const command = digCommand('192.0.2.1;id;:5300', 'example.com', 'MX', false)!;
    expect(shellWords(command)).toEqual(['@192.0.2.1;id;', '-p', '5300', 'example.com', 'MX']);
  });
});
