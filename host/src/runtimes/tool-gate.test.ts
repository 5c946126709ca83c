import type { ToolDefinition } from '@neonhub/schemas';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createToolGate } from './tool-gate.js';

const tool = (name: string, description = `The ${name} tool.`): ToolDefinition => ({
  name,
  description,
  inputSchema: { type: 'object' },
  sideEffect: 'read',
});
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'admitted',
    (e: { code?: string }) => e.code,
  );

describe('the tool gate of an outside server', () => {
  it('holds calls while a re-listing is judged, then refuses what the check quarantined', async () => {
    let release!: () => void;
    const gate = createToolGate({
      pluginId: 'p',
      logger: pino({ level: 'silent' }),
      check: (tools) => Object.fromEntries(tools.filter((t) => t.description.includes('evil')).map((t) => [t.name, 'changed'])),
    });
    await gate.initial(async () => [tool('a'), tool('b')]);
    expect(await codeOf(gate.admit('a'))).toBe('admitted');
    expect(await codeOf(gate.admit('zzz'))).toBe('NH_TOOL_NOT_FOUND');
    const listing = new Promise<ToolDefinition[]>((r) => {
      release = () => r([tool('a', 'now evil'), tool('b')]);
    });
    void gate.refresh('list_changed', () => listing);
    const held = codeOf(gate.admit('a'));
    let settled = false;
    void held.then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false); // waiting for the verdict, not sent to the server
    release();
    expect(await held).toBe('NH_TOOL_QUARANTINED');
    expect(await codeOf(gate.admit('b'))).toBe('admitted');
  });

  it('fails closed when listing again after list_changed fails, and opens when a listing succeeds', async () => {
    const told: string[] = [];
    const gate = createToolGate({
      pluginId: 'p',
      logger: pino({ level: 'silent' }),
      onFailClosed: (tools, why) => told.push(`${tools.map((t) => t.name).join()}: ${why}`),
    });
    await gate.initial(async () => [tool('a')]);
    const gone = async (): Promise<ToolDefinition[]> => {
      throw new Error('server gone');
    };
    await gate.refresh('interval', gone); // a periodic re-list of a server that is down changes nothing
    expect(await codeOf(gate.admit('a'))).toBe('admitted');
    await gate.refresh('list_changed', gone);
    expect(await codeOf(gate.admit('a'))).toBe('NH_TOOL_QUARANTINED');
    expect(told).toEqual(['a: its tools could not be listed again after list_changed']); // the host raises a notice
    await gate.refresh('interval', async () => [tool('a')]);
    expect(await codeOf(gate.admit('a'))).toBe('admitted');
  });
});
