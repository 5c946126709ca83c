import type { ErrorRegistry } from '@neonhub/schemas';
import { dbErrors } from '../core/db/src/errors.js';
import { llmErrors } from '../core/llm/src/errors.js';
import { runErrors } from '../core/orchestrator/src/errors.js';
import { queueErrors } from '../core/queue/src/errors.js';
import { connectorErrors, outboundErrors, promptErrors, scheduleErrors, sdkErrors } from '../core/sdk/src/errors.js';
import { telemetryErrors } from '../core/telemetry/src/errors.js';
import { audienceErrors } from '../host/src/audiences/errors.js';
import { connectionErrors } from '../host/src/connections/errors.js';
import { hostErrors } from '../host/src/errors.js';
import { mcpOAuthErrors } from '../host/src/mcp-oauth/errors.js';
import { memoryErrors } from '../mcp-servers/memory/src/errors.js';
import { campaignErrors } from '../plugins/agent-campaign/src/errors.js';
import { contentErrors } from '../plugins/agent-content/src/errors.js';
import { emailErrors } from '../plugins/agent-email/src/errors.js';
import { insightErrors } from '../plugins/agent-insight/src/errors.js';
import { socialErrors } from '../plugins/agent-social/src/errors.js';
import { dataTrustErrors } from '../plugins/data-trust/src/errors.js';
import { ecoErrors } from '../plugins/eco/src/errors.js';
import { govErrors } from '../plugins/governance/src/errors.js';

/** Every package's error registry, by area, for docs/errors.md. */
export const registries: Record<string, ErrorRegistry> = {
  'Host (loader, lockfile, pipeline, workspaces, API, MCP gateway)': hostErrors.registry,
  'Audiences and results (host)': audienceErrors.registry,
  'Plugin SDK': sdkErrors.registry,
  'Prompts (definePrompt, createPromptRegistry, @neonhub/sdk)': promptErrors.registry,
  'Data layer (@neonhub/db)': dbErrors.registry,
  'LLM adapter (@neonhub/llm)': llmErrors.registry,
  'Queue (@neonhub/queue)': queueErrors.registry,
  'Runs and orchestrator (@neonhub/orchestrator)': runErrors.registry,
  'Telemetry (@neonhub/telemetry)': telemetryErrors.registry,
  'Memory server (@neonhub/mcp-memory)': memoryErrors.registry,
  'Governance plugin': govErrors.registry,
  'Data-trust plugin': dataTrustErrors.registry,
  'Eco plugin': ecoErrors.registry,
  'Campaign agent': campaignErrors.registry,
  'Content agent': contentErrors.registry,
  'E-mail agent': emailErrors.registry,
  'Social agent': socialErrors.registry,
  'Insight agent': insightErrors.registry,
  'Connectors (the contract every connector shares, @neonhub/sdk)': connectorErrors.registry,
  'Connected accounts and webhooks (host)': connectionErrors.registry,
  'Upstream OAuth of outside MCP servers (host)': mcpOAuthErrors.registry,
  'Outbound requests (the guard every request made for a workspace passes, @neonhub/sdk/outbound)': outboundErrors.registry,
  'Schedules (ctx.scheduler, the calendar API, @neonhub/sdk)': scheduleErrors.registry,
};
