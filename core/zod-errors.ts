import type { ZodError } from 'zod';

const MAX_ISSUES = 10;

/**
 * zod's issues as "path: message", the path in dots and "(root)" for the value itself, so a person
 * sees every bad field at once (at most ten, then how many more). `separator` joins them: "; " for
 * a one-line answer, a newline and an indent for a list.
 */
export function describeZodIssues(error: ZodError, separator = '; '): string {
  const shown = error.issues
    .slice(0, MAX_ISSUES)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`);
  const more = error.issues.length - shown.length;
  return [...shown, ...(more > 0 ? [`and ${more} more`] : [])].join(separator);
}
