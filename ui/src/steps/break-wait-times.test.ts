/** Break tests (issue 15, items 5–8): the wait's expected time must not repeat itself. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import Wait from './Wait.svelte';
import { vantage, waitView } from '../test-support';
import { i18n } from '../i18n/index.svelte';

afterEach(cleanup);

const expectedLine = (earliest_in: number, latest_in: number) => {
  const { container } = render(Wait, { view: waitView({ earliest_in, latest_in, vantages: [vantage({})] }), receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
  return container.querySelector('p.expected')!.textContent!.trim();
};

describe('break: the expected time says one time once', () => {
  it('when the earliest and the latest are the same moment, never "in 40 seconds, in 40 seconds at the latest"', () => {
    const line = expectedLine(40, 40);
    expect(line.match(/in 40 seconds/g) ?? [], `"${line}": the same time twice reads as a stutter, the repetition issue 15 set out to remove`).toHaveLength(1);
  });

  it('when both round to the same words, never "in about 5 minutes, in about 5 minutes at the latest"', () => {
    // A cache seen at 280 s of a 300 s TTL: earliest 4 min 40 s, latest 5 min 1 s.
    const line = expectedLine(280, 301);
    expect(line.match(/in about 5 minutes/g) ?? [], `"${line}": a range whose two ends read the same tells the user nothing twice`).toHaveLength(1);
  });

  it('nor in Chinese ("大约 5 分钟后" twice)', () => {
    i18n.locale = 'zh-CN';
    try {
      const line = expectedLine(280, 301);
      expect(line.match(/大约 5 分钟后/g) ?? [], `"${line}": the same time said twice`).toHaveLength(1);
    } finally {
      i18n.locale = 'en';
    }
  });
});
