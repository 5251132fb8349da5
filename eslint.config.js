// ESLint 9 flat config. `npm run lint` checks, `npm run format` rewrites (Prettier, then eslint --fix).
// Formatting is Prettier's alone: eslint-config-prettier (last) turns off every rule that could disagree with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import { configs as lit } from 'eslint-plugin-lit';
import { configs as wc } from 'eslint-plugin-wc';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** An import of `layer` from outside it: any relative path through a folder of that name. */
const into = (layer, why) => ({ regex: `^\\.{1,2}/(.*/)?${layer}(/|$)`, message: why });

const SERVER = 'The browser code never imports the server: what both sides share lives in protocol/.';
const BROWSER = 'The server never imports browser code: what both sides share lives in protocol/.';
const PROTOCOL = 'protocol/ is the shared contract: it imports neither the server nor the browser code.';

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'bench/results/', 'test-results/', 'web/i18n/generated/']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: ['**/*.{js,mjs,ts}'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
    // The code marks a parameter it must accept but does not use with a leading underscore (`_req`, `_next`).
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },

  // The browser app (Lit web components) and the service worker.
  {
    files: ['web/**/*.ts'],
    extends: [lit['flat/recommended'], wc['flat/recommended']],
    languageOptions: { globals: { ...globals.browser, ...globals.mocha } },
    settings: { wc: { elementBaseClasses: ['LitElement'] } },
  },
  { files: ['sw/**/*.ts'], languageOptions: { globals: globals.serviceworker } },
  // Chai's property assertions (`expect(x).to.be.true`) are expressions by design.
  { files: ['web/**/*.test.ts'], rules: { '@typescript-eslint/no-unused-expressions': 'off' } },

  // A second guard besides the composite tsconfigs (TS6307): no import across the layers.
  {
    files: ['web/**', 'sw/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [into('server', SERVER)] }] },
  },
  {
    files: ['server/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [into('web', BROWSER), into('sw', BROWSER)] }] },
  },
  {
    files: ['protocol/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [into('server', PROTOCOL), into('web', PROTOCOL), into('sw', PROTOCOL)] }],
    },
  },

  prettier,
]);
