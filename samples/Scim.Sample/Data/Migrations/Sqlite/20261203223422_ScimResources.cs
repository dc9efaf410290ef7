using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scim.Sample.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScimResources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ScimResources",
                columns: table => new
                {
                    ResourceType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Tenant = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    UniqueValue = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastModified = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScimResources", x => new { x.ResourceType, x.Id });
                });

            migrationBuilder.CreateIndex(
                name: "IX_ScimResources_Tenant_ResourceType_ExternalId",
                table: "ScimResources",
                columns: new[] { "Tenant", "ResourceType", "ExternalId" });

            migrationBuilder.CreateIndex(
                name: "IX_ScimResources_Tenant_ResourceType_UniqueValue",
                table: "ScimResources",
                columns: new[] { "Tenant", "ResourceType", "UniqueValue" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ScimResources");
        }
    }
}
