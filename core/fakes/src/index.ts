export * from './http.js';
export { type FakeName, fakeNames, startFake } from './registry.js';
export { startXFake, type XFake, type XFakePost } from './x.js';
