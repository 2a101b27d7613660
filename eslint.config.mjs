import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "**/node_modules/**", "reports/**", ".stryker-tmp/**", "coverage/**", "policies/dist/**", "build/**"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly", Buffer: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // push(...items), Math.max(...items): every item becomes a call argument and V8 runs out of stack
    // past ~125k of them. Inputs that large are real (a 100 MB exchange.csv).
    files: ["core/**/*.ts", "io/**/*.ts", "engine/**/*.ts", "gate/**/*.ts", "audit/**/*.ts", "cli/**/*.ts", "policies/**/*.ts", "rehearsal/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: ":matches(CallExpression, NewExpression) > SpreadElement",
          message: "A spread in call arguments overflows the stack for large arrays: use appendAll (core/append.ts) or a loop.",
        },
      ],
    },
  },
);
