using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scim.Sample.Data.Migrations.Sqlite
{
    /// <summary>
    /// Gives membership rows a member kept in <c>ScimResources</c> (an agent), with a foreign key
    /// that deletes the row with it. SQLite cannot add a foreign key to a table, so the table is
    /// made again with it and its rows copied. EF Core's own rebuild turns foreign keys off around
    /// it, which cannot be done in a transaction: the migration would be applied in four steps and
    /// a crash between them would leave it half done (EF Core warns of that at every first start).
    /// Nothing refers to this table, so it is made again here in the migration's one transaction
    /// with foreign keys on, and the result is the table EF Core's rebuild makes.
    /// </summary>
    public partial class ScimResourceMembers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, withResources: true);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, withResources: false);

        private static void Rebuild(MigrationBuilder migrationBuilder, bool withResources)
        {
            var resourceColumns = withResources ? "\n    \"ResourceId\" TEXT NULL,\n    \"ResourceType\" TEXT NULL," : string.Empty;
            var resourceKey = withResources
                ? "\n    CONSTRAINT \"FK_ScimGroupMembers_ScimResources_ResourceType_ResourceId\" FOREIGN KEY (\"ResourceType\", \"ResourceId\") REFERENCES \"ScimResources\" (\"ResourceType\", \"Id\") ON DELETE CASCADE,"
                : string.Empty;
            migrationBuilder.Sql($"""
                CREATE TABLE "ef_temp_ScimGroupMembers" (
                    "GroupId" TEXT NOT NULL,
                    "MemberId" TEXT NOT NULL,
                    "NestedGroupId" TEXT NULL,{resourceColumns}
                    "UserId" TEXT NULL,
                    CONSTRAINT "PK_ScimGroupMembers" PRIMARY KEY ("GroupId", "MemberId"),
                    CONSTRAINT "FK_ScimGroupMembers_ScimGroups_GroupId" FOREIGN KEY ("GroupId") REFERENCES "ScimGroups" ("Id") ON DELETE CASCADE,
                    CONSTRAINT "FK_ScimGroupMembers_ScimGroups_NestedGroupId" FOREIGN KEY ("NestedGroupId") REFERENCES "ScimGroups" ("Id") ON DELETE RESTRICT,{resourceKey}
                    CONSTRAINT "FK_ScimGroupMembers_ScimUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "ScimUsers" ("Id") ON DELETE CASCADE
                );
                """);

            // Down drops the resource members' rows: the columns that name their members go.
            var kept = withResources ? string.Empty : "\nWHERE \"ResourceId\" IS NULL";
            migrationBuilder.Sql($"""
                INSERT INTO "ef_temp_ScimGroupMembers" ("GroupId", "MemberId", "NestedGroupId", "UserId")
                SELECT "GroupId", "MemberId", "NestedGroupId", "UserId"
                FROM "ScimGroupMembers"{kept};
                """);
            migrationBuilder.Sql("""DROP TABLE "ScimGroupMembers";""");
            migrationBuilder.Sql("""ALTER TABLE "ef_temp_ScimGroupMembers" RENAME TO "ScimGroupMembers";""");
            migrationBuilder.Sql("""CREATE INDEX "IX_ScimGroupMembers_MemberId" ON "ScimGroupMembers" ("MemberId");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_ScimGroupMembers_NestedGroupId" ON "ScimGroupMembers" ("NestedGroupId");""");
            if (withResources)
            {
                migrationBuilder.Sql("""CREATE INDEX "IX_ScimGroupMembers_ResourceType_ResourceId" ON "ScimGroupMembers" ("ResourceType", "ResourceId");""");
            }

            migrationBuilder.Sql("""CREATE INDEX "IX_ScimGroupMembers_UserId" ON "ScimGroupMembers" ("UserId");""");
        }
    }
}
