CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "jobs" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_jobs" PRIMARY KEY,
    "OwnerId" TEXT NOT NULL,
    "Mode" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "FileName" TEXT NOT NULL,
    "UploadBytes" INTEGER NOT NULL,
    "BytesRead" INTEGER NOT NULL,
    "CategorySetId" TEXT NULL,
    "CategorySetName" TEXT NULL,
    "CategorySetJson" TEXT NULL,
    "Model" TEXT NULL,
    "Engine" TEXT NULL,
    "ProtectedApiKey" TEXT NULL,
    "Read" INTEGER NOT NULL,
    "Total" INTEGER NULL,
    "Categorized" INTEGER NOT NULL,
    "Failed" INTEGER NOT NULL,
    "Requests" INTEGER NOT NULL,
    "Retries" INTEGER NOT NULL,
    "InputTokens" INTEGER NOT NULL,
    "OutputTokens" INTEGER NOT NULL,
    "WorkItems" INTEGER NOT NULL,
    "ReadAttempts" INTEGER NOT NULL,
    "FailureReason" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "StartedAt" TEXT NULL,
    "CategorizingStartedAt" TEXT NULL,
    "FinishedAt" TEXT NULL,
    "ExpiresAt" TEXT NULL
);

CREATE TABLE "job_log" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_job_log" PRIMARY KEY AUTOINCREMENT,
    "JobId" TEXT NOT NULL,
    "At" TEXT NOT NULL,
    "Level" TEXT NOT NULL,
    "Message" TEXT NOT NULL,
    CONSTRAINT "FK_job_log_jobs_JobId" FOREIGN KEY ("JobId") REFERENCES "jobs" ("Id") ON DELETE CASCADE
);

CREATE TABLE "work_items" (
    "JobId" TEXT NOT NULL,
    "Number" INTEGER NOT NULL,
    "FirstIndex" INTEGER NOT NULL,
    "EndIndex" INTEGER NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "Instance" TEXT NULL,
    "LastError" TEXT NULL,
    "CompletedAt" TEXT NULL,
    CONSTRAINT "PK_work_items" PRIMARY KEY ("JobId", "Number"),
    CONSTRAINT "FK_work_items_jobs_JobId" FOREIGN KEY ("JobId") REFERENCES "jobs" ("Id") ON DELETE CASCADE
);

CREATE TABLE "conversations" (
    "JobId" TEXT NOT NULL,
    "Index" INTEGER NOT NULL,
    "ConversationId" TEXT NULL,
    "Title" TEXT NULL,
    "CreateTime" TEXT NULL,
    "UpdateTime" TEXT NULL,
    "MessageCount" INTEGER NOT NULL,
    "Model" TEXT NULL,
    "Warnings" INTEGER NOT NULL,
    "DigestTitle" TEXT NULL,
    "DigestText" TEXT NULL,
    "DigestTokens" INTEGER NOT NULL,
    "DigestHash" TEXT NULL,
    CONSTRAINT "PK_conversations" PRIMARY KEY ("JobId", "Index"),
    CONSTRAINT "FK_conversations_jobs_JobId" FOREIGN KEY ("JobId") REFERENCES "jobs" ("Id") ON DELETE CASCADE
);

CREATE TABLE "transcripts" (
    "JobId" TEXT NOT NULL,
    "Index" INTEGER NOT NULL,
    "Content" BLOB NOT NULL,
    CONSTRAINT "PK_transcripts" PRIMARY KEY ("JobId", "Index"),
    CONSTRAINT "FK_transcripts_jobs_JobId" FOREIGN KEY ("JobId") REFERENCES "jobs" ("Id") ON DELETE CASCADE
);

CREATE TABLE "results" (
    "JobId" TEXT NOT NULL,
    "Index" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "Category" TEXT NULL,
    "Engine" TEXT NOT NULL,
    "Model" TEXT NULL,
    "FailureReason" TEXT NULL,
    "At" TEXT NOT NULL,
    CONSTRAINT "PK_results" PRIMARY KEY ("JobId", "Index"),
    CONSTRAINT "FK_results_jobs_JobId" FOREIGN KEY ("JobId") REFERENCES "jobs" ("Id") ON DELETE CASCADE
);

CREATE TABLE "category_sets" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_category_sets" PRIMARY KEY,
    "OwnerId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "CategoriesJson" TEXT NOT NULL,
    "AllowNewCategories" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL
);

CREATE TABLE "categorization_cache" (
    "ConversationId" TEXT NOT NULL,
    "DigestHash" TEXT NOT NULL,
    "CategorySetHash" TEXT NOT NULL,
    "Model" TEXT NOT NULL,
    "Category" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "PK_categorization_cache" PRIMARY KEY ("ConversationId", "DigestHash", "CategorySetHash", "Model")
);

CREATE INDEX "IX_jobs_OwnerId_CreatedAt" ON "jobs" ("OwnerId", "CreatedAt");

CREATE INDEX "IX_jobs_Status" ON "jobs" ("Status");

CREATE INDEX "IX_jobs_ExpiresAt" ON "jobs" ("ExpiresAt");

CREATE INDEX "IX_job_log_JobId_Id" ON "job_log" ("JobId", "Id");

CREATE INDEX "IX_category_sets_OwnerId" ON "category_sets" ("OwnerId");

CREATE INDEX "IX_categorization_cache_CreatedAt" ON "categorization_cache" ("CreatedAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261121000000_InitialSchema', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "jobs" ADD "WaitForStart" INTEGER NOT NULL DEFAULT 0;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122000000_WaitForStart', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "response_modes" (
    "Endpoint" TEXT NOT NULL,
    "Model" TEXT NOT NULL,
    "Mode" TEXT NOT NULL,
    "DecidedAt" TEXT NOT NULL,
    CONSTRAINT "PK_response_modes" PRIMARY KEY ("Endpoint", "Model")
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202090000_ResponseModes', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "jobs" ADD "ReadLeaseOwner" TEXT NULL;

ALTER TABLE "jobs" ADD "ReadLeaseExpiresAt" TEXT NULL;

ALTER TABLE "jobs" ADD "ReadBackgroundJobId" TEXT NULL;

ALTER TABLE "work_items" ADD "LeaseOwner" TEXT NULL;

ALTER TABLE "work_items" ADD "LeaseExpiresAt" TEXT NULL;

ALTER TABLE "work_items" ADD "BackgroundJobId" TEXT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202100000_StepLeases', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "results" ADD "Confidence" REAL NULL;

ALTER TABLE "results" ADD "Reason" TEXT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202120000_ResultConfidenceAndReason', '10.0.15');

COMMIT;

