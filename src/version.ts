/** The package version (test/package.test.ts checks it equals package.json's). */
export const VERSION = '0.1.0';
