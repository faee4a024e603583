-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "insuranceClaimNumber" VARCHAR(100),
ADD COLUMN     "isInsuranceClaim" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "insuranceCarrier" VARCHAR(200);
