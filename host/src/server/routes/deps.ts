import type { AccountDeps } from '../../accounts/deps.js';
import type { Host } from '../../host.js';

/** What the API's resource plugins need: the host and its account services. */
export interface ApiDeps extends AccountDeps {
  host: Host;
}
