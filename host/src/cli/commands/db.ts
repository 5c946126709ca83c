import { withStorage } from '../context.js';
import { out } from '../output.js';

export async function migrate() {
  await withStorage({ purpose: 'neonhub db migrate' }, async (storage) => {
    out.ok(`database is migrated (${storage.dialect})`);
  });
}
