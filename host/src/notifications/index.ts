export { NOTIFIER, type Notifier, type NotifierDeps, startNotifier } from './notifier.js';
export { notificationRoutes } from './routes.js';
export { DEFAULT_PREF, getPref, type NotificationPref, setPref } from './store.js';
