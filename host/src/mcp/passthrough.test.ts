import { describe, expect, it } from 'vitest';
import { parsePassthroughUri, passthroughUri } from './passthrough.js';

describe('passthrough resource URIs', () => {
  it("prefix the server's own URI with its plugin id, reversibly", () => {
    const uri = passthroughUri('ws-echo', 'echo://docs/readme?x=1');
    expect(uri).toBe('neonhub-plugin://ws-echo/echo://docs/readme?x=1');
    expect(parsePassthroughUri(uri)).toEqual({ pluginId: 'ws-echo', uri: 'echo://docs/readme?x=1' });
    expect(parsePassthroughUri(passthroughUri('a', 'file:///etc/hosts'))).toEqual({ pluginId: 'a', uri: 'file:///etc/hosts' });
  });

  it('are not confused with other URIs', () => {
    for (const uri of ['neonhub://workspace/acme/about', 'neonhub-plugin://', 'neonhub-plugin://ws-echo', 'neonhub-plugin://ws-echo/'])
      expect(parsePassthroughUri(uri)).toBeUndefined();
  });
});
