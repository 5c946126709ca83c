/** Merge fields (`{{first_name | there}}`): the one implementation in @neonhub/schemas, shared with the console's preview. */
import { mergeFields } from '@neonhub/schemas';

export { escapeHtml, fieldsOf, type MergeResult } from '@neonhub/schemas';

export const merge = mergeFields;
