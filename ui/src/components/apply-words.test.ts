import { describe, expect, it } from 'vitest';
import { ttlUnknown, undoStatusKey } from './apply-words';
import type { Journal, JournalView } from '../ipc';

const step = (ttl: number | null, values: number, result: 'done' | 'not_attempted' = 'done') => ({
  seq: 1,
  before: { name: 'example.com', type: 'MX', ttl, values: Array.from({ length: values }, (_, i) => ({ priority: i, value: `mx${i}.example.net` })) },
  after: { name: 'example.com', type: 'MX', ttl, values: [] },
  rows: [0],
  at: null,
  result,
  error: null,
});

const journal = (steps: ReturnType<typeof step>[], undo: Journal['undo'] = null) =>
  ({ steps, undo, status: 'applied' }) as unknown as Journal;

describe('apply-words', () => {
  // Issue 16 attack: at a host whose listing gives no TTL, "back exactly as it was" was said of
  // record sets whose TTL had become 600.
  it('notes an unknown TTL only for a record set that existed with a TTL the host did not give', () => {
    expect(ttlUnknown(journal([step(null, 2)]))).toBe(true);
    expect(ttlUnknown(journal([step(300, 2)]))).toBe(false);
    expect(ttlUnknown(journal([step(null, 0)])), 'a set that did not exist had no TTL to keep').toBe(false);
    expect(ttlUnknown(journal([step(null, 2, 'not_attempted')])), 'a set never written').toBe(false);
  });

  it('words an undo refused for a journal MX Doctor did not write, never as put back', () => {
    const undo = { started: '', finished: '', status: 'refused', message: 'm', steps: [] } as unknown as Journal['undo'];
    expect(undoStatusKey({ journal: journal([step(300, 1)], undo) } as unknown as JournalView)).toBe('apply.undo_refused');
  });
});
