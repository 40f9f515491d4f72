-- A flood of refused sign-ins is recorded as one row per client per minute
-- whose count grows, instead of a row per attempt. Growing that count is the
-- only update the audit table allows; everything else stays append-only.
ALTER TABLE audit_events ADD COLUMN count INTEGER NOT NULL DEFAULT 1;

DROP TRIGGER audit_events_no_update;
CREATE TRIGGER audit_events_only_counts_grow BEFORE UPDATE ON audit_events
WHEN NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
  OR NEW.action IS NOT OLD.action OR NEW.target IS NOT OLD.target
  OR NEW.outcome IS NOT OLD.outcome OR NEW.client IS NOT OLD.client
  OR NEW.detail IS NOT OLD.detail OR OLD.outcome IS NOT 'denied'
  OR NEW.count <= OLD.count
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
