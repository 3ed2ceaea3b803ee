const fs = require("fs"), path = require("path");
const { createLinter } = require(process.argv[2]);
(async () => {
  const lint = await createLinter();
  let n = 0;
  for (const file of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`); n++;
    }
  }
  process.exit(n ? 1 : 0);
})();
