"""The audit log, readable: agency heads browse their agency's audit events and 政务公开办 their subtree's,
in Chinese (each action code a phrase, the person's name), filtered, paged and exported (the export
itself audited)."""
