import { definePlugin } from '@neonhub/sdk';
import { importContacts } from './tools/import-contacts.js';
import { logEngagement } from './tools/log-engagement.js';
import { upsertContacts } from './tools/upsert-contacts.js';
import { webhook } from './webhook.js';

export default definePlugin({ id: 'connector-hubspot', tools: [importContacts, upsertContacts, logEngagement], webhook });
