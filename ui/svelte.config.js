import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    // SvelteKit refuses cross-site form POSTs by default (the Origin must be this origin): no trustedOrigins.
    adapter: adapter({ out: 'build', precompress: false }),
  },
};
