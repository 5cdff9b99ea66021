/**
 * A service URL as safe to print: its password replaced by ***, since logs outlive secrets. One
 * rule for every location the hub prints (PostgreSQL store, Redis).
 */
export function hidePassword(location: string, unreadable: string): string {
  try {
    const url = new URL(location);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return unreadable;
  }
}
