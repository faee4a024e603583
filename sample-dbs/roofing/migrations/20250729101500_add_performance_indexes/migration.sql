-- Hand-written performance indexes (server/prisma/add_performance_indexes.sql), applied
-- as a migration. Plain CREATE INDEX: Prisma runs each migration in a transaction.
CREATE INDEX IF NOT EXISTS "project_workflow_trackers_currentLineItemId_idx" ON "project_workflow_trackers"("currentLineItemId");
CREATE INDEX IF NOT EXISTS "project_workflow_trackers_projectId_currentPhaseId_idx" ON "project_workflow_trackers"("projectId", "currentPhaseId");
CREATE INDEX IF NOT EXISTS "completed_workflow_items_trackerId_completedAt_idx" ON "completed_workflow_items"("trackerId", "completedAt");
CREATE INDEX IF NOT EXISTS "completed_workflow_items_trackerId_lineItemId_idx" ON "completed_workflow_items"("trackerId", "lineItemId");
CREATE INDEX IF NOT EXISTS "workflow_alerts_createdAt_projectId_idx" ON "workflow_alerts"("createdAt" DESC, "projectId");
CREATE INDEX IF NOT EXISTS "role_assignments_assignedAt_idx" ON "role_assignments"("assignedAt");
