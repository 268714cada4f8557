// Lint, and the layer rules (VS Code style): imports point downward only.
//   src-renderer -> src-shared only          src-preload -> electron + src-shared
//   src-main/core, api, cli -> no electron    src-shared -> neither Node nor DOM nor any other layer
// Layer folders always appear in a cross-layer import path ('../../src-main/...', '../electron/...'), so a regex
// on the import string is exact enough; test/layers.test.ts proves every rule fires.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'
import { builtinModules } from 'node:module'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]
const layer = (name) => `(^|/)${name}(/|$)`

function restrict(message, { names = [], regexes = [] }) {
  return {
    'no-restricted-imports': [
      'error',
      { paths: names.map((name) => ({ name, message })), patterns: regexes.map((regex) => ({ regex, message })) },
    ],
  }
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'e2e-artifacts/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests read loosely typed JSON from real HTTP responses and processes.
    files: ['test/**/*.ts', '**/*.test.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src-shared/**/*.ts'],
    ignores: ['src-shared/**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: {
      ...restrict('src-shared is the contract: no Node, DOM, Electron or other layers (it runs in every process)', {
        names: [...nodeBuiltins, 'electron'],
        regexes: [layer('src-main'), layer('src-renderer'), layer('src-preload'), '^node:'],
      }),
      'no-restricted-globals': ['error', 'window', 'document', 'Buffer', 'process', 'require', '__dirname'],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict('the renderer talks to the peer only through a Transport; it imports src-shared, never Node, Electron, src-main or the preload', {
      names: [...nodeBuiltins, 'electron'],
      regexes: [layer('src-main'), layer('src-preload'), '^node:'],
    }),
  },
  {
    files: ['src-preload/**/*.ts'],
    // Its tests load the preload in a fake sandbox (node:vm) and may use Node; the preload itself may not.
    ignores: ['src-preload/**/*.test.ts'],
    rules: restrict('the preload exposes call/on typed from src-shared and nothing else', {
      names: nodeBuiltins,
      regexes: [layer('src-main'), layer('src-renderer'), '^node:'],
    }),
  },
  {
    files: ['src-main/core/**/*.ts', 'src-main/api/**/*.ts', 'src-main/cli/**/*.ts'],
    rules: restrict("only src-main/electron may import 'electron': the core, API and CLI run headless too", {
      names: ['electron'],
      regexes: [layer('electron'), layer('src-renderer'), layer('src-preload')],
    }),
  },
)
