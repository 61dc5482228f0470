import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import TechnicalPanel from './TechnicalPanel.svelte';
import type { Snapshot } from '../ipc';
import { expectShownAsText, HOSTILE as CRAFTED } from '../test-support';

type AuthServer = Snapshot['authoritative'][number];

afterEach(cleanup);

const HOSTILE = '<script>alert(1)</script>';

const snapshot: Snapshot = {
  format: 1,
  domain: 'example.com',
  taken_at: 0,
  resolvers: ['127.0.0.1:5300'],
  zone: 'example.com',
  recursive: [
    { name: 'example.com', rtype: 'TXT', status: 'answer', authoritative: false, records: [{ name: 'example.com', ttl: 42, type: 'TXT', text: HOSTILE }] },
    { name: 'example.com', rtype: 'MX', status: 'timeout', authoritative: false, detail: '127.0.0.1:5300 did not answer within 3.0 s' },
  ],
  authoritative: [
    { host: 'ns1.example.com', address: '192.0.2.53', observations: [{ name: 'example.com', rtype: 'MX', status: 'no_data', authoritative: true, negative_ttl: 300 }] },
    { host: 'ns2.example.com', address: null, observations: [] },
  ],
};

describe('TechnicalPanel', () => {
  it('shows every raw answer with its TTL and the dig command that asks the same', () => {
    const { container } = render(TechnicalPanel, { snapshot });
    const text = container.textContent ?? '';
    expect(text).toContain('dig @127.0.0.1 -p 5300 example.com TXT');
    expect(text).toContain('dig @192.0.2.53 example.com MX +norecurse');
    expect(text).toContain('TTL 42');
    expect(text).toContain('TTL 300');
    expect(text).toContain('did not answer within 3.0 s');
    expect(text).toContain('ns2.example.com (no address found)');
    expect(container.querySelector('script')).toBeNull();
    expect(text).toContain(HOSTILE);
    expect(screen.getAllByRole('button', { name: /Copy: Copy the dig command/ }).length).toBe(3);
  });

  it('offers a dig command a shell reads as one name, or none for a name with a line break', () => {
    const hostile: Snapshot = {
      ...snapshot,
      recursive: [
        { name: 'a.example;id;#.example', rtype: 'TXT', status: 'no_data', authoritative: false },
        { name: 'b.example\nrm -rf ~', rtype: 'TXT', status: 'no_data', authoritative: false },
      ],
      authoritative: [],
    };
    const { container } = render(TechnicalPanel, { snapshot: hostile });
    const commands = [...container.querySelectorAll('code.dig')].map((c) => c.textContent);
    expect(commands).toEqual(["dig @127.0.0.1 -p 5300 'a.example;id;#.example' TXT"]);
    expect(screen.getAllByRole('button', { name: /Copy: Copy the dig command/ }).length).toBe(1);
  });

  it('lists an authoritative server a snapshot names twice twice, and hostile names as text', () => {
    const twice: AuthServer = {
      host: CRAFTED.html,
      address: '192.0.2.53',
      observations: [{ name: CRAFTED.newline, rtype: 'TXT', status: 'answer', authoritative: true, records: [{ name: CRAFTED.rtl, ttl: 60, type: 'TXT', text: CRAFTED.long }] }],
    };
    const unresolved: AuthServer = { host: CRAFTED.rtl, address: null, observations: [] };
    const crafted: Snapshot = { ...snapshot, recursive: [], authoritative: [twice, twice, unresolved, unresolved, { host: CRAFTED.long, address: null, observations: [] }] };
    const { container } = render(TechnicalPanel, { snapshot: crafted });
    const headings = [...container.querySelectorAll('h4')].map((h) => h.textContent);
    // The resolver's heading, then one per server listed.
    expect(headings).toHaveLength(6);
    expect(headings.filter((h) => h === `Your DNS host: ${CRAFTED.html} (192.0.2.53)`)).toHaveLength(2);
    expect(headings.filter((h) => h === `Your DNS host: ${CRAFTED.rtl} (no address found)`)).toHaveLength(2);
    expect(container.querySelectorAll('ul.records li')).toHaveLength(2);
    expectShownAsText(container);
  });
});
