/** The host API version plugins declare a range against (`plugin.json` `host`). */
export const HOST_API_VERSION = '0.2.1';
