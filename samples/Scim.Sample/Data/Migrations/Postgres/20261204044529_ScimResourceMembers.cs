using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scim.Sample.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ScimResourceMembers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ResourceId",
                table: "ScimGroupMembers",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ResourceType",
                table: "ScimGroupMembers",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ScimGroupMembers_ResourceType_ResourceId",
                table: "ScimGroupMembers",
                columns: new[] { "ResourceType", "ResourceId" });

            migrationBuilder.AddForeignKey(
                name: "FK_ScimGroupMembers_ScimResources_ResourceType_ResourceId",
                table: "ScimGroupMembers",
                columns: new[] { "ResourceType", "ResourceId" },
                principalTable: "ScimResources",
                principalColumns: new[] { "ResourceType", "Id" },
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ScimGroupMembers_ScimResources_ResourceType_ResourceId",
                table: "ScimGroupMembers");

            migrationBuilder.DropIndex(
                name: "IX_ScimGroupMembers_ResourceType_ResourceId",
                table: "ScimGroupMembers");

            migrationBuilder.DropColumn(
                name: "ResourceId",
                table: "ScimGroupMembers");

            migrationBuilder.DropColumn(
                name: "ResourceType",
                table: "ScimGroupMembers");
        }
    }
}
