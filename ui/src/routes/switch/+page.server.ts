import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The workspace switcher is a GET form, so it works without JavaScript. */
export const load: PageServerLoad = ({ url }) => {
  const ws = url.searchParams.get('ws');
  redirect(303, ws ? `/w/${encodeURIComponent(ws)}` : '/');
};
