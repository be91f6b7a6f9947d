// Loaded before every test file (npm test passes --import): registers the native backend, as
// the package's Node entry and the CLI do, so tests that reach getBackend() through library
// modules see the same backends a user of `hebb` sees.
import '../src/backend/register-node.ts';
