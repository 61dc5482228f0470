import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import KeyFields from './KeyFields.svelte';
import type { DnsHost } from '../ipc';

afterEach(cleanup);

const cloudflare: DnsHost = {
  id: 'cloudflare',
  name: 'Cloudflare',
  ns_suffixes: ['ns.cloudflare.com'],
  ns_contains: [],
  console_url: 'https://dash.cloudflare.com/',
  steps: [],
  source: '',
  adapter: 'cloudflare',
  key_steps: ['My Profile → API Tokens → Create Token', 'Permissions: Zone · DNS · Edit, for this zone only'],
  key_url: 'https://developers.cloudflare.com/fundamentals/api/get-started/create-token/',
  key_source: '',
} as DnsHost;

const key = () => ({ key: '', secret: '', remember: false });

describe('KeyFields', () => {
  // Issue 16: "the window says which key to create there, with the least permissions, and where".
  it('says which key to create at the detected DNS host, step by step, with its page', () => {
    render(KeyFields, { value: key(), needsSecret: false, id: 'k', host: cloudflare });
    expect(screen.getByText(/Create a key at Cloudflare that can read and change records in this domain only/)).toBeTruthy();
    const steps = [...document.querySelectorAll('.key-steps li')].map((li) => li.textContent);
    expect(steps).toEqual(cloudflare.key_steps);
    expect(screen.getByRole('button', { name: 'How to create the key at Cloudflare' })).toBeTruthy();
    expect(document.body.textContent).toContain(cloudflare.key_url);
  });

  it('says nothing about creating a key where the catalog has no words for it', () => {
    render(KeyFields, { value: key(), needsSecret: true, id: 'k', host: { ...cloudflare, key_steps: [], key_url: null } });
    expect(document.querySelector('.key-steps')).toBeNull();
    expect(screen.getByLabelText(/secret/i)).toBeTruthy();
  });
});
