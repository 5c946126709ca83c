export { createSecretBox, type Sealed, type SecretBinding, type SecretBox } from './box.js';
export { keyIdOf, type LoadSecretKeyOptions, loadSecretKey, parseSecretKey, SECRET_KEY_FILE, type SecretKey } from './key.js';
export { sameSecret, secretMatcher } from './same-secret.js';
