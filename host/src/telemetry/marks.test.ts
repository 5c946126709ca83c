import { afterEach, describe, expect, it } from 'vitest';
import { markStep, setStepMarkSink } from './marks.js';

describe('step marks', () => {
  afterEach(() => setStepMarkSink());

  it('hands each mark to the installed sink, in order, and to nothing once it is removed', () => {
    const seen: string[] = [];
    markStep('before any sink');
    setStepMarkSink((step) => seen.push(step));
    markStep('before.start');
    markStep('before.done');
    setStepMarkSink();
    markStep('after removal');
    expect(seen).toEqual(['before.start', 'before.done']);
  });
});
