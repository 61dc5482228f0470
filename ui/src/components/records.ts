import type { DnsRecord } from '../ipc';

/** A record's value as a DNS console shows it (the MX priority first). */
export function recordValue(r: DnsRecord): string {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return r.address;
    case 'CNAME':
      return r.target;
    case 'MX':
      return `${r.preference} ${r.exchange}`;
    case 'TXT':
      return r.text;
    case 'NS':
      return r.host;
    case 'SOA':
      return `${r.mname} ${r.rname} ${r.serial}`;
    case 'OTHER':
      return r.value;
  }
}

/** A record's type as DNS consoles name it. */
export function recordType(r: DnsRecord): string {
  return r.type === 'OTHER' ? r.rtype : r.type;
}
