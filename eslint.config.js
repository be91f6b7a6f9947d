import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'build/',
      'runs/',
      'node_modules/',
      'coverage/',
      'web/dist/',
      'web/public/',
      'api-docs/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Three layers, imports in one direction: the library (src/ but cli/ and reproduce/) ←
    // the reproductions (src/reproduce/) ← the CLI (src/cli/). test/architecture checks it too.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/reproduce/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/(cli|reproduce)/',
              message: 'the library imports no reproduction or CLI code',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/reproduce/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '/cli/', message: 'a reproduction never imports the CLI' }] },
      ],
    },
  },
  {
    // The browser-safe core: models, read-outs, optimisers, kernels, data transforms. Files,
    // downloads, native loading and run directories live behind the Node entry (docs/api.md).
    files: [
      'src/browser.ts',
      'src/webgpu.ts',
      'src/model/**',
      'src/backend/**',
      'src/softhebb/*.ts',
      'src/similarity/*.ts',
      'src/emergence/*.ts',
      'src/readout/**',
      'src/optim/**',
      'src/features/**',
      'src/classic/**',
      'src/robustness/**',
      'src/data/dataset.ts',
      'src/data/preprocess.ts',
      'src/data/synthetic.ts',
      'src/data/transforms.ts',
      'src/data/csv.ts',
      'src/data/from-arrays.ts',
      'src/data/npy.ts',
      'src/data/image-decode.ts',
      'src/io/safetensors.ts',
      'src/errors.ts',
      'src/version.ts',
    ],
    // The Node-only loaders of the native addon, the wasm module and Dawn (WebGPU in Node).
    ignores: [
      'src/backend/native/**',
      'src/backend/webgpu/node-gpu.ts',
      'src/backend/wasm/register.ts',
      'src/backend/register-node.ts',
    ],
    languageOptions: { globals: { process: 'off', Buffer: 'off' } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'the browser-safe core imports no Node built-in' },
            {
              regex: '/(cli|run|report|reproduce)/',
              message: 'Node-only code; keep it out of the core',
            },
            {
              regex: '(safetensors-file|model-file|atomic)\\.ts$',
              message: 'file I/O is Node-only',
            },
            {
              regex: '/native/|register(-node)?\\.ts$',
              message: 'the native and wasm loaders are registered by the Node entry',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'setImmediate', 'require'],
    },
  },
  {
    // The playground runs in a page and a worker: nothing from Node. It may use the browser-safe
    // files the core does not export (the chart specs, the emergence table's set-up); a bundle
    // that reached a Node built-in fails its build and its browser test.
    files: ['web/src/**'],
    languageOptions: { globals: { process: 'off', Buffer: 'off' } },
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^node:', message: 'the playground runs in a browser' }] },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'setImmediate', 'require'],
    },
  },
);
