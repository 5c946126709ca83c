import { withHost } from '../context.js';
import { out } from '../output.js';

export async function migrate() {
  await withHost({ plugins: false, purpose: 'neonhub db migrate' }, async (host) => {
    out.ok(`database is migrated (${host.storage.dialect})`);
  });
}
