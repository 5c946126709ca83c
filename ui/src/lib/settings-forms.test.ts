import { describe, expect, it } from 'vitest';
import { keptModel, keptNotifications, modelErrorField, notificationsErrorField, shownModel, shownNotifications } from './settings-forms';

const formOf = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};
const savedLlm = { source: 'workspace', provider: 'ollama', model: 'llama3', baseURL: 'https://llm.example/v1' };

describe('the model form after a refused save', () => {
  it('shows what was sent, not the saved settings, and never sends the key back', () => {
    const kept = keptModel(
      formOf({ provider: 'openai', model: 'gpt-x', baseURL: 'http://10.0.0.1/v1', api: 'responses', apiKey: 'sk-secret' }),
    );
    expect(kept).toEqual({ provider: 'openai', model: 'gpt-x', baseURL: 'http://10.0.0.1/v1', api: 'responses' });
    expect(JSON.stringify(kept)).not.toContain('sk-secret');
    expect(shownModel(savedLlm, kept)).toEqual(kept);
  });

  it('without a refusal shows the saved settings (the host default: empty model field)', () => {
    expect(shownModel(savedLlm, null)).toEqual({ provider: 'ollama', model: 'llama3', baseURL: 'https://llm.example/v1', api: '' });
    expect(shownModel({ source: 'host', provider: 'offline', model: 'offline-1' }, null).model).toBe('');
  });

  it("puts the refusal beside its field: the issue's path, the key a provider needs, an endpoint the host will not reach", () => {
    expect(modelErrorField({ code: 'NH_WORKSPACE_LLM_INVALID', details: { issues: [{ path: 'baseURL', message: 'Invalid URL' }] } })).toBe(
      'baseURL',
    );
    expect(modelErrorField({ code: 'NH_REQUEST_INVALID', details: { issues: [{ path: ['model'], message: 'too long' }] } })).toBe('model');
    expect(modelErrorField({ code: 'NH_WORKSPACE_LLM_INVALID', details: { provider: 'anthropic' } })).toBe('apiKey');
    expect(modelErrorField({ code: 'NH_OUTBOUND_BLOCKED', details: { host: '10.0.0.1' } })).toBe('baseURL');
    expect(modelErrorField({ code: 'NH_AUTH_FORBIDDEN' })).toBeNull();
  });
});

describe('the notifications form after a refused save', () => {
  it('keeps the choice and the Slack channel that were sent', () => {
    const kept = keptNotifications(formOf({ via: 'slack', slackChannel: '#launch' }));
    expect(shownNotifications({ via: 'in_app', slackChannel: null }, kept)).toEqual({ via: 'slack', slackChannel: '#launch' });
  });

  it('a choice not on the list falls back to the saved one; no refusal shows the saved prefs', () => {
    expect(shownNotifications({ via: 'email', slackChannel: null }, { via: 'pigeon', slackChannel: '' }).via).toBe('email');
    expect(shownNotifications({ via: 'slack', slackChannel: '#a' }, null)).toEqual({ via: 'slack', slackChannel: '#a' });
  });

  it('names the field a host refusal is about', () => {
    expect(notificationsErrorField({ details: { issues: [{ path: '/slackChannel', message: 'too long' }] } })).toBe('slackChannel');
    expect(notificationsErrorField({ details: { issues: [{ path: 'other', message: 'x' }] } })).toBeNull();
    expect(notificationsErrorField({})).toBeNull();
  });
});
