import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    // SvelteKit refuses cross-site form POSTs by default (the Origin must be this origin): no trustedOrigins.
    adapter: adapter({ out: 'build', precompress: false }),
    // Every stylesheet a page needs goes inline in its <head> (the largest, app.css, is ~9 kB): the first paint
    // waits on no stylesheet request (docs/console.md, Speed). The CSP allows inline styles ('unsafe-inline').
    inlineStyleThreshold: 16_384,
    // Content-Security-Policy of every page: SvelteKit adds a nonce or hash for its own inline scripts.
    // The host adds the other security headers (helmet) and refuses foreign Host names (DNS rebinding).
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'connect-src': ['self'],
        'font-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};
