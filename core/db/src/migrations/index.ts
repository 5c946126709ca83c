import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { pluginRecords } from './0002-plugin-records.js';
import { apiTokens } from './0003-api-tokens.js';
import { runs } from './0004-runs.js';
import { sessions } from './0005-sessions.js';
import { runTransitions } from './0006-run-transitions.js';
import { workspaceLlm } from './0007-workspace-llm.js';
import { carriedSteps } from './0008-carried-steps.js';
import { accountTokens } from './0009-account-tokens.js';
import { workspaceOutbound } from './0010-workspace-outbound.js';
import { outbox } from './0011-outbox.js';
import { connections } from './0012-connections.js';
import { connectorEvents } from './0013-connector-events.js';
import { schedules } from './0014-schedules.js';
import { audiences } from './0015-audiences.js';
import { results } from './0016-results.js';
import { resultDaily } from './0016b-result-daily.js';
import { mcpOAuth } from './0019-mcp-oauth.js';
import { notifications } from './0020-notifications.js';
import { approvalProviders } from './0021-approval-providers.js';
import { resultsIngest } from './0022-results-ingest.js';
import { heldCalls } from './0024-held-calls.js';
import { resultsSettingsEnabled } from './0025-results-settings-enabled.js';
import { heldCallInput } from './0027-held-call-input.js';
import { runSettle } from './0028-run-settle.js';
import { resultsContent } from './0029-results-content.js';
import { heldCallExpiry } from './0030-held-call-expiry.js';
import { stepInputRefs } from './0031-step-input-refs.js';
import { stepApprovalExpiry } from './0032-step-approval-expiry.js';
import { resultsTrust } from './0033-results-trust.js';
import { approvalRequestedAt } from './0034-approval-requested-at.js';
import { recordFreshness } from './0035-record-freshness.js';

/**
 * Every schema migration, in the order it runs. Append only: never rename, reorder or edit one
 * that has shipped; write a new one instead. Names sort in order (Kysely checks).
 */
export const migrations: ReadonlyArray<readonly [name: string, migration: Migration]> = [
  ['0001_initial', initial],
  ['0002_plugin_records', pluginRecords],
  ['0003_api_tokens', apiTokens],
  ['0004_runs', runs],
  ['0005_sessions', sessions],
  ['0006_run_transitions', runTransitions],
  ['0007_workspace_llm', workspaceLlm],
  ['0008_carried_steps', carriedSteps],
  ['0009_account_tokens', accountTokens],
  ['0010_workspace_outbound', workspaceOutbound],
  ['0011_outbox', outbox],
  ['0012_connections', connections],
  ['0013_connector_events', connectorEvents],
  ['0014_schedules', schedules],
  ['0015_audiences', audiences],
  ['0016_results', results],
  ['0016b_result_daily', resultDaily],
  ['0019_mcp_oauth', mcpOAuth],
  ['0020_notifications', notifications],
  ['0021_approval_providers', approvalProviders],
  ['0022_results_ingest', resultsIngest],
  ['0024_held_calls', heldCalls],
  ['0025_results_settings_enabled', resultsSettingsEnabled],
  ['0027_held_call_input', heldCallInput],
  ['0028_run_settle', runSettle],
  ['0029_results_content', resultsContent],
  ['0030_held_call_expiry', heldCallExpiry],
  ['0031_step_input_refs', stepInputRefs],
  ['0032_step_approval_expiry', stepApprovalExpiry],
  ['0033_results_trust', resultsTrust],
  ['0034_approval_requested_at', approvalRequestedAt],
  ['0035_record_freshness', recordFreshness],
];
