// The server the tablet page reads from over HTTP: the one its socket uses now, which after a
// failover is the standby of a primary/standby pair (docs/operations.md §14), else the server
// the page was loaded from. The peer server allows these reads (voting/http/peer_reads.py).

/** The HTTP origin of the server the page's socket (`app.connection`) uses, else the page's. */
export function serverOrigin(app) {
  return app.connection?.origin || location.origin;
}
