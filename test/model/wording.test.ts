import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count } from '../../src/model/wording.ts';

describe('count', () => {
  it('is singular for exactly one, plural otherwise (0, 2, 1.5, -1)', () => {
    assert.equal(count(1, 'epoch'), '1 epoch');
    assert.equal(count(0, 'epoch'), '0 epochs');
    assert.equal(count(2, 'epoch'), '2 epochs');
    assert.equal(count(1.5, 'epoch'), '1.5 epochs');
    assert.equal(count(-1, 'epoch'), '-1 epochs');
    assert.equal(count(1n, 'class', 'classes'), '1 class');
    assert.equal(count(10, 'class', 'classes'), '10 classes');
  });
});
