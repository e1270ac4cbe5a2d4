/** Package version written into every result file (test/version.test.ts keeps it equal to package.json). */
export const VERSION = "0.1.0";
