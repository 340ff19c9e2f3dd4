// Path lists match at segment boundaries: "/wp-admin" matches "/blog/wp-admin/" but not "/wp-administrivia",
// ".env" matches "/app/.env" but not "/news.env". An entry ending in "/" matches anything below it.

export interface PathList {
  matches(path: string): boolean;
}

export function pathListOf(entries: readonly string[]): PathList {
  const items = entries.map((e) => e.toLowerCase());
  return {
    matches(path: string): boolean {
      for (const e of items) {
        let i = path.indexOf(e);
        while (i >= 0) {
          const before = e.startsWith('/') || i === 0 || path[i - 1] === '/';
          const end = i + e.length;
          const after = e.endsWith('/') || end === path.length || path[end] === '/';
          if (before && after) return true;
          i = path.indexOf(e, i + 1);
        }
      }
      return false;
    },
  };
}
