import { describe, expect, it } from 'vitest';
import { isHeld, lines, matchesTool, type PolicyDoc, setHeld, setSideEffectHeld } from './policy';

const post = { name: 'connector-social-sandbox:post', sideEffect: 'external' };
const send = { name: 'connector-email-sandbox:send', sideEffect: 'external' };

describe('policy toggles', () => {
  it('reads governance patterns with * wildcards', () => {
    expect(matchesTool('connector-*:post', post.name)).toBe(true);
    expect(matchesTool('connector-*:post', send.name)).toBe(false);
    expect(matchesTool('*', send.name)).toBe(true);
  });

  it('the default policy ({}) holds every external call', () => {
    expect(isHeld({}, post.name, 'external')).toBe(true);
    expect(isHeld({}, 'agent-content:draft', 'write')).toBe(false);
  });

  it('releases a channel with exceptTools while external calls stay held, and holds it again', () => {
    const off = setHeld({}, [post], false);
    expect(off.requireApproval).toMatchObject({ sideEffects: ['external'], exceptTools: [post.name], tools: [] });
    expect(isHeld(off, post.name, 'external')).toBe(false);
    expect(isHeld(off, send.name, 'external')).toBe(true);
    const on = setHeld(off, [post], true);
    expect(on.requireApproval?.exceptTools).toEqual([]);
    expect(isHeld(on, post.name, 'external')).toBe(true);
  });

  it('holds one channel when external calls in general are let through', () => {
    const p = setHeld(setSideEffectHeld({}, 'external', false), [post], true);
    expect(p.requireApproval).toMatchObject({ sideEffects: [], tools: [post.name] });
    expect(isHeld(p, post.name, 'external')).toBe(true);
    expect(isHeld(p, send.name, 'external')).toBe(false);
    expect(isHeld(p, 'agent-social:publish', 'external')).toBe(false);
  });

  it('keeps the rest of the policy as it was', () => {
    const base: PolicyDoc = { deny: ['x:*'], requireApproval: { ttlHours: 12 }, content: { bannedPhrases: ['guaranteed'] } };
    const p = setHeld(base, [send], false);
    expect(p).toMatchObject({ deny: ['x:*'], content: { bannedPhrases: ['guaranteed'] }, requireApproval: { ttlHours: 12 } });
  });

  it('splits phrases one per line without blanks or repeats', () => {
    expect(lines(' free money \n\nact now\r\nfree money\n')).toEqual(['free money', 'act now']);
  });
});
