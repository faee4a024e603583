-- AlterTable
ALTER TABLE "workflow_line_items" ADD COLUMN     "assignedToId" TEXT;

-- AlterTable
ALTER TABLE "project_workflows" ADD COLUMN     "defaultAssigneeId" TEXT;

-- AddForeignKey
ALTER TABLE "workflow_line_items" ADD CONSTRAINT "workflow_line_items_assignedToId_fkey" FOREIGN KEY ("assignedToId") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
