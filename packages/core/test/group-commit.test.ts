import { type GroupOutcome, groupCommitter } from '@streamstore/core/storage';
import { describe, expect, it } from 'vitest';

/** A run that records its groups and answers when told to. */
function controlledRun() {
  const groups: number[][] = [];
  const open: Array<(outcomes: GroupOutcome<number>[]) => void> = [];
  return {
    groups,
    open,
    run: (items: readonly number[]) =>
      new Promise<GroupOutcome<number>[]>((resolve) => {
        groups.push([...items]);
        open.push(resolve);
      }),
    answer(index: number) {
      const group = groups[index] as number[];
      (open[index] as (o: GroupOutcome<number>[]) => void)(
        group.map((n) => (n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 10 })),
      );
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('groupCommitter', () => {
  it('groups items sent in the same tick, and the items sent while a group is in flight into the next one', async () => {
    const control = controlledRun();
    const commit = groupCommitter({ run: control.run });
    const first = [commit(1), commit(2), commit(3)];
    await tick();
    const second = [commit(4), commit(-5), commit(6)];
    await tick();
    expect(control.groups).toEqual([[1, 2, 3]]);
    control.answer(0);
    expect(await Promise.all(first)).toEqual([10, 20, 30]);
    await tick();
    expect(control.groups).toEqual([
      [1, 2, 3],
      [4, -5, 6],
    ]);
    control.answer(1);
    const settled = await Promise.allSettled(second);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('keeps up to `concurrency` groups in flight', async () => {
    const control = controlledRun();
    const commit = groupCommitter({ run: control.run, concurrency: 2 });
    const all = [commit(1)];
    await tick();
    all.push(commit(2));
    await tick();
    all.push(commit(3), commit(4));
    await tick();
    expect(control.groups).toEqual([[1], [2]]);
    control.answer(0);
    await tick();
    expect(control.groups).toEqual([[1], [2], [3, 4]]);
    control.answer(1);
    control.answer(2);
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40]);
  });

  it('bounds a group by items and bytes; a group that throws fails only its own items', async () => {
    const groups: number[][] = [];
    const commit = groupCommitter<number, number>({
      run: async (items) => {
        groups.push([...items]);
        if (items.includes(99)) throw new Error('whole group failed');
        return items.map((n) => ({ ok: true, value: n }));
      },
      maxItems: 3,
      maxBytes: 100,
      size: (n) => (n === 50 ? 85 : 10),
    });
    const results = await Promise.allSettled([1, 2, 3, 4, 50, 99, 5].map((n) => commit(n)));
    expect(groups).toEqual([
      [1, 2, 3],
      [4, 50],
      [99, 5],
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
  });
});
