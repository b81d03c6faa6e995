// Which SQL dialect a server speaks, from what it says about itself: SingleStore (formerly MemSQL)
// answers the MySQL protocol with a MySQL-looking @@version, but names itself in @@version_comment.

export const DIALECTS = ['mysql', 'singlestore'] as const;
export type Dialect = (typeof DIALECTS)[number];

export function dialectOf(server: { version: string; comment: string }): Dialect {
  return /singlestore|memsql/i.test(`${server.version} ${server.comment}`) ? 'singlestore' : 'mysql';
}

/** A short human name for the server, e.g. `MariaDB 10.11.19` or `SingleStore 8.9.3 (MySQL 5.7.32)`. */
export function serverName(server: { version: string; comment: string; singlestoreVersion?: string }): string {
  if (dialectOf(server) === 'singlestore')
    return `SingleStore ${server.singlestoreVersion ?? '?'} (MySQL ${server.version})`;
  const m = server.version.match(/^([\d.]+)-MariaDB/i);
  return m ? `MariaDB ${m[1]}` : `MySQL ${server.version}`;
}
