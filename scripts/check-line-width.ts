import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Every line of the tracked code, styles and documents stays within Biome's 120 columns. Biome
 * wraps code but leaves comments, strings and Markdown alone; this catches those. Markdown
 * tables are exempt (a row cannot wrap). Columns are counted in code points.
 */
const MAX_COLUMNS = 120;
const ROOT = resolve(import.meta.dirname, '..');
const CHECKED = ['*.ts', '*.tsx', '*.mjs', '*.cjs', '*.css', '*.md'];

function overlongLines(file: string, text: string, max = MAX_COLUMNS): string[] {
  const found: string[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    const columns = [...line.replace(/\r$/, '')].length;
    if (columns <= max) continue;
    if (file.endsWith('.md') && /^\s*\|/.test(line)) continue;
    found.push(`${file}:${index + 1}: ${columns} columns (at most ${max}): wrap the comment or split the string`);
  }
  return found;
}

const files = execFileSync('git', ['ls-files', '-z', '--', ...CHECKED], { cwd: ROOT, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file !== '');
const problems = files.flatMap((file) => overlongLines(file, readFileSync(resolve(ROOT, file), 'utf8')));
if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`${problems.length} line(s) wider than ${MAX_COLUMNS} columns`);
  process.exitCode = 1;
}
