using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scim.Sample.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScimTenantIdIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_ScimUsers_Tenant_Id",
                table: "ScimUsers",
                columns: new[] { "Tenant", "Id" },
                filter: "\"Tenant\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ScimResources_Tenant_ResourceType_Id",
                table: "ScimResources",
                columns: new[] { "Tenant", "ResourceType", "Id" },
                filter: "\"Tenant\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ScimGroups_Tenant_Id",
                table: "ScimGroups",
                columns: new[] { "Tenant", "Id" },
                filter: "\"Tenant\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ScimUsers_Tenant_Id",
                table: "ScimUsers");

            migrationBuilder.DropIndex(
                name: "IX_ScimResources_Tenant_ResourceType_Id",
                table: "ScimResources");

            migrationBuilder.DropIndex(
                name: "IX_ScimGroups_Tenant_Id",
                table: "ScimGroups");
        }
    }
}
