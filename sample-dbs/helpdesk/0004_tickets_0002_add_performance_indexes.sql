-- python manage.py sqlmigrate tickets 0002  (atomic = False: CREATE INDEX CONCURRENTLY
-- cannot run inside a transaction block, so there is no BEGIN/COMMIT)
--
-- Raw SQL operation
--
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_tickets_org_status_priority ON tickets_ticket (organization_id, status, priority);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_tickets_org_created_status ON tickets_ticket (organization_id, created_at, status);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_tickets_customer_created ON tickets_ticket (customer_id, created_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_tickets_agent_created ON tickets_ticket (assigned_agent_id, created_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_tickets_active ON tickets_ticket (organization_id, created_at) WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_tickets_sla_due ON tickets_ticket (organization_id, first_response_due) WHERE first_response_due IS NOT NULL;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_ticket_comments_ticket_created ON tickets_ticketcomment (ticket_id, created_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_ticket_comments_author_created ON tickets_ticketcomment (author_id, created_at);
