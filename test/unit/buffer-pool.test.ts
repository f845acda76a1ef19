import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool } from '../../src/cluster/buffer-pool.js';

describe('BufferPool', () => {
  it('hands a given-back buffer out again instead of allocating one', () => {
    const pool = new BufferPool(1024, 2);
    const a = pool.take();
    assert.equal(a.length, 1024);
    pool.give(a);
    assert.equal(pool.take(), a);
    assert.equal(pool.allocated, 1);
  });

  it('keeps at most maxKept buffers; the rest are left to the collector', () => {
    const pool = new BufferPool(16, 2);
    const taken = [pool.take(), pool.take(), pool.take()];
    assert.equal(new Set(taken).size, 3);
    for (const b of taken) pool.give(b);
    assert.equal(pool.kept, 2);
    assert.equal(pool.allocated, 3);
  });

  it('ignores a buffer of another size and one given back twice', () => {
    const pool = new BufferPool(16, 4);
    pool.give(Buffer.alloc(8));
    assert.equal(pool.kept, 0);
    const a = pool.take();
    pool.give(a);
    pool.give(a);
    assert.equal(pool.kept, 1);
    assert.notEqual(pool.take(), pool.take(), 'one buffer handed out to two holders');
  });
});
