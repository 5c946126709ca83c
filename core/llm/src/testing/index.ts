export { sendAnthropicError, startFakeAnthropic } from './anthropic.js';
export { sendOllamaError, startFakeOllama } from './ollama.js';
export { fakeEmbedding, sendOpenAIError, startFakeOpenAI } from './openai.js';
export { DEFAULT_FAKE_TEXT, type FakeReply, type FakeToolCall, type FakeUsage, fakeReply, splitDeltas } from './script.js';
export type { FakeProvider, RecordedRequest } from './server.js';
