// ESLint for the browser pages: plain ES modules loaded by the browser, no build step.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", ".venv/", "build/", "docs/", "devices/static/vendor/"] },
  js.configs.recommended,
  {
    files: [
      "devices/static/**/*.js",
      "devices/scrutineer/static/**/*.js",
      "voting/static/**/*.js",
    ],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    rules: {
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
      "max-lines": ["error", { max: 400 }],
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.node } },
  },
];
