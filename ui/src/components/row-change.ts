/** What a `change` row turns the row into, read the same way everywhere the window shows one.
 * The core writes a priority-only change as `new_value` = the same value plus `new_priority`;
 * reports saved before that field wrote it as `new_value: "priority N"`, read here as well. */
import type { FixRow } from '../ipc';

export interface RowChange {
  /** The value the row holds afterwards; null when the row does not say (a crafted or old report). */
  value: string | null;
  /** The priority to set, when it differs from the row's priority now. */
  priority: number | null;
}

const LEGACY_PRIORITY = /^priority\s+(\d+)$/;

export function changeOf(row: FixRow): RowChange {
  const legacy = row.new_value ? LEGACY_PRIORITY.exec(row.new_value.trim()) : null;
  const priority = legacy ? Number(legacy[1]) : (row.new_priority ?? null);
  const value = legacy ? row.value : (row.new_value ?? (priority !== null ? row.value : null));
  return { value, priority: priority !== null && priority !== row.priority ? priority : null };
}

/** The row's value changes (not only its priority). */
export function changesValue(row: FixRow): boolean {
  const c = changeOf(row);
  return c.value !== null && c.value !== row.value;
}

/** Only the row's priority changes: the value stays as it is. */
export function changesOnlyPriority(row: FixRow): boolean {
  return row.action === 'change' && !changesValue(row) && changeOf(row).priority !== null;
}
