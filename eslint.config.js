// Lint: typescript-eslint's recommended rules with type information (the promise rules need it),
// plus a few strict rules that catch real bugs in this code base. Formatting is Prettier's job.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const EMULATOR_APART = {
  group: ['**/emulator/**', '**/emulator'],
  message: 'The action must not import the emulator: share code through src/protocol/.'
};
// The front doors: the only files that may know GitHub (or another CI system).
const FRONT_DOORS = ['src/action/**', 'src/cli/**', 'src/index.ts', 'src/cli.ts'];
// @actions/glob and @actions/http-client are plain libraries (matching, proxy rules), not the runner.
const FRONT_DOORS_APART = [
  {
    group: ['@actions/*', '!@actions/glob', '!@actions/http-client', '!@actions/http-client/**'],
    message: 'Only the front doors (src/action/, src/cli/) talk to a CI system: report through the injected Reporter, name settings through SettingNames.'
  },
  {
    group: ['**/action', '**/action/**'],
    message: 'Nothing beneath the front doors imports the action: move what is shared to src/core/ or src/util/.'
  }
];

// The CLI is a front door beside the action, not above it: it knows no GitHub runner (its stdout is
// the JSON result) and shares code with the action only through src/core/ and src/util/.
const CLI_APART = [
  {
    group: ['@actions/*', '!@actions/glob', '!@actions/http-client', '!@actions/http-client/**'],
    message: 'The CLI does not talk to the GitHub runner: report through its CliReporter (stderr, ##vso commands).'
  },
  {
    group: ['**/action', '**/action/**'],
    message: 'The CLI does not import the action: move what both front doors share to src/core/ or src/util/.'
  }
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.imagestore/', 'tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: dirname(fileURLToPath(import.meta.url))
      }
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits or catches can reject and end the process.
      // `void p` is no exception: `void p.finally(...)` on a promise that can reject is exactly that bug.
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          ignoreVoid: false,
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }
          ]
        }
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/promise-function-async': 'off',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An async method without await is how a synchronous implementation meets an async interface.
      '@typescript-eslint/require-await': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off'
    }
  },
  // Tests read JSON answers and journals without declaring a type for each.
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off'
    }
  },
  // The layout's rules: the action and the emulator share only src/protocol/; the arrows point
  // down, so only the front doors (src/action/, src/cli/, the entry points) know their CI system.
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [EMULATOR_APART] }]
    }
  },
  {
    files: ['src/**/*.ts'],
    ignores: FRONT_DOORS,
    rules: {
      'no-restricted-imports': ['error', { patterns: [EMULATOR_APART, ...FRONT_DOORS_APART] }]
    }
  },
  {
    files: ['src/cli/**/*.ts', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [EMULATOR_APART, ...CLI_APART] }]
    }
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../**', '**/emulator/**'], message: 'src/protocol/ is shared by the action and the emulator: it imports nothing else of the project.' },
            ...FRONT_DOORS_APART
          ]
        }
      ]
    }
  },
  {
    files: ['emulator/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)src/(?!protocol/)', message: 'The emulator imports only src/protocol/ from the action.' }] }
      ]
    }
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked
  }
);
