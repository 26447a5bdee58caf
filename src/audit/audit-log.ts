// The contract of the audit trail: every change, who made it, when, on what, and how it ended.

export interface AuditEntry {
  /** Epoch milliseconds. */
  readonly time: number;
  readonly organization: string;
  /** The acting user's email (or `baton` for changes Baton makes itself). */
  readonly user: string;
  /** A stable verb such as `import`, `deploy`, `undeploy`, `delete-revision`, `create-user`, `create-token`. */
  readonly operation: string;
  /** What was changed, e.g. `apis/orders/revisions/3` or `environments/prod/apis/orders/revisions/3/deployments`. */
  readonly target: string;
  readonly result: 'success' | 'failure';
  /** Non-secret details: status code, error code, parameters. Never credentials or tokens. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

export interface AuditLog {
  /** Appends an entry durably; resolves after it is on disk. */
  record(entry: Omit<AuditEntry, 'time'>): Promise<void>;
  /** Entries of an organization, newest first, optionally within [from, to] (epoch ms), at most `limit`. */
  list(organization: string, options?: { from?: number; to?: number; limit?: number }): AuditEntry[];
}

/** The `organization` of entries about things that belong to no single organization: users and their tokens. */
export const globalAuditOrganization = '*';
