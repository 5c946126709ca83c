import { definePlugin } from '@neonhub/sdk';
import { analyzePage } from './tools/analyze-page.js';
import { generateJsonld } from './tools/generate-jsonld.js';
import { keywordClusters } from './tools/keyword-clusters.js';
import { metaDescription } from './tools/meta-description.js';

export default definePlugin({
  id: 'agent-seo',
  tools: [analyzePage, generateJsonld, metaDescription, keywordClusters],
});
