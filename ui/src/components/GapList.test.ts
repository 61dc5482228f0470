import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import GapList from './GapList.svelte';
import type { DnsRecord, FixRow, Gap } from '../ipc';
import { expectShownAsText, HOSTILE } from '../test-support';

afterEach(cleanup);

const oldMx: DnsRecord = { name: 'example.com', ttl: 600, type: 'MX', preference: 10, exchange: 'mx.old.example' };
const mailServers: Gap = { kind: 'mail_servers_differ', ttl: 600, records: [oldMx] };
const addMx: FixRow = { action: 'add', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null };

describe('GapList', () => {
  it('asks for the mailbox service’s mail servers when no MX row of the plan says it', () => {
    const { container } = render(GapList, { gaps: [mailServers] });
    expect(container.textContent).toContain("Asked: only your mailbox service's mail servers");
    expect(container.textContent).toContain('Gives now: 10 mx.old.example');
  });

  it('lets the MX rows asked speak instead of repeating the mail servers in general', () => {
    const { container } = render(GapList, { gaps: [mailServers, { kind: 'row_differs', row: addMx, ttl: 600, records: [oldMx] }] });
    expect(container.textContent).not.toContain("only your mailbox service's mail servers");
    expect(container.textContent).toContain('Asked: add this MX row at @: 5 mx1.qiye.aliyun.com');
    expect(container.querySelectorAll('li.gap')).toHaveLength(1);
  });

  it('says what a silent server gave last, not what it gives now', () => {
    const { container } = render(GapList, { gaps: [mailServers], last: true });
    expect(container.textContent).toContain('Last gave: 10 mx.old.example');
    expect(container.textContent).not.toContain('Gives now');
  });

  it('says an alias answered twice once, and shows every other gap and hostile answers as text', () => {
    const alias: DnsRecord = { name: HOSTILE.html, ttl: 600, type: 'CNAME', target: HOSTILE.rtl };
    const txt: DnsRecord = { name: HOSTILE.newline, ttl: 600, type: 'TXT', text: HOSTILE.long };
    const aliased: Gap = { kind: 'alias_present', ttl: 600, records: [alias] };
    const spf: Gap = { kind: 'spf_include_missing', ttl: 600, records: [txt, txt] };
    const { container } = render(GapList, { gaps: [aliased, aliased, { ...aliased, records: [alias, txt] }, mailServers, mailServers], technical: true });
    expect(container.querySelectorAll('li.gap.alias')).toHaveLength(1);
    expect(container.querySelectorAll('li.gap:not(.alias)')).toHaveLength(2);
    cleanup();
    const spfList = render(GapList, { gaps: [spf, spf], technical: true }).container;
    expect(spfList.querySelectorAll('li.gap')).toHaveLength(2);
    const again = render(GapList, { gaps: [aliased, aliased, spf], technical: true }).container;
    expectShownAsText(again, [HOSTILE.html, HOSTILE.rtl, HOSTILE.newline, HOSTILE.long]);
  });
});
