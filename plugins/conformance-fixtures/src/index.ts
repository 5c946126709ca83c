import type { GetPromptResult, Prompt, ReadResourceResult, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { RED_PIXEL_PNG } from './media.js';

/**
 * Resources and prompts of the conformance suite that a manifest cannot declare (binary
 * contents, templates, image and embedded-resource prompts). They have the shape of the
 * gateway's ResourceProvider / PromptProvider (host/src/mcp/providers.ts), structurally, so this
 * package does not import the host: `gateway.registerResourceProvider(conformanceResources)`.
 */
export const PLUGIN_ID = 'conformance-fixtures';

const TEMPLATE = /^test:\/\/template\/([^/]+)\/data$/;

const resources: Resource[] = [
  { uri: 'test://static-text', name: 'static-text', description: 'A static text resource', mimeType: 'text/plain' },
  { uri: 'test://static-binary', name: 'static-binary', description: 'A static binary resource (a PNG)', mimeType: 'image/png' },
  { uri: 'test://watched-resource', name: 'watched-resource', description: 'A resource clients may subscribe to', mimeType: 'text/plain' },
];

export const conformanceResources = {
  id: 'conformance-fixtures:resources',
  pluginId: PLUGIN_ID,
  list: (): Resource[] => resources,
  templates: (): ResourceTemplate[] => [
    { uriTemplate: 'test://template/{id}/data', name: 'template-data', description: 'Data for an id', mimeType: 'application/json' },
  ],
  read(uri: string): ReadResourceResult['contents'] | undefined {
    if (uri === 'test://static-text') return [{ uri, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }];
    if (uri === 'test://static-binary') return [{ uri, mimeType: 'image/png', blob: RED_PIXEL_PNG }];
    if (uri === 'test://watched-resource') return [{ uri, mimeType: 'text/plain', text: 'Watched resource content.' }];
    const id = TEMPLATE.exec(uri)?.[1];
    if (id) return [{ uri, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }];
    return undefined;
  },
};

const prompts: Prompt[] = [
  {
    name: 'test_prompt_with_embedded_resource',
    description: 'A prompt that embeds a resource',
    arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
  },
  { name: 'test_prompt_with_image', description: 'A prompt with an image' },
];

export const conformancePrompts = {
  id: 'conformance-fixtures:prompts',
  pluginId: PLUGIN_ID,
  list: (): Prompt[] => prompts,
  get(name: string, args: Record<string, string>): GetPromptResult | undefined {
    if (name === 'test_prompt_with_embedded_resource')
      return {
        messages: [
          {
            role: 'user',
            content: {
              type: 'resource',
              resource: { uri: args.resourceUri ?? '', mimeType: 'text/plain', text: 'Embedded resource content for testing.' },
            },
          },
          { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
        ],
      };
    if (name === 'test_prompt_with_image')
      return {
        messages: [
          { role: 'user', content: { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' } },
          { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
        ],
      };
    return undefined;
  },
};
