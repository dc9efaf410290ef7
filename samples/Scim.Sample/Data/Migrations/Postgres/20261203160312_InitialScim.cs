using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Scim.Sample.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InitialScim : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ScimGroups",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Tenant = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    NormalizedDisplayName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Extensions = table.Column<string>(type: "text", nullable: true),
                    Created = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastModified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScimGroups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ScimUsers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Tenant = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    NormalizedUserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    DisplayName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NickName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ProfileUrl = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    Title = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    UserType = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    PreferredLanguage = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Locale = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Timezone = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Active = table.Column<bool>(type: "boolean", nullable: true),
                    NameFormatted = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    FamilyName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    GivenName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    MiddleName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    HonorificPrefix = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    HonorificSuffix = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    EmployeeNumber = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CostCenter = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Organization = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Division = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Department = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ManagerId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ManagerRef = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    ManagerDisplayName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Extensions = table.Column<string>(type: "text", nullable: true),
                    Created = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastModified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScimUsers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ScimGroupMembers",
                columns: table => new
                {
                    GroupId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MemberId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    NestedGroupId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScimGroupMembers", x => new { x.GroupId, x.MemberId });
                    table.ForeignKey(
                        name: "FK_ScimGroupMembers_ScimGroups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "ScimGroups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ScimGroupMembers_ScimGroups_NestedGroupId",
                        column: x => x.NestedGroupId,
                        principalTable: "ScimGroups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ScimGroupMembers_ScimUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "ScimUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ScimUserValues",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Attribute = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Ordinal = table.Column<int>(type: "integer", nullable: false),
                    Value = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    Display = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Type = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Primary = table.Column<bool>(type: "boolean", nullable: true),
                    Formatted = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    StreetAddress = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    Locality = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Region = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    PostalCode = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Country = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScimUserValues", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScimUserValues_ScimUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "ScimUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ScimGroupMembers_MemberId",
                table: "ScimGroupMembers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_ScimGroupMembers_NestedGroupId",
                table: "ScimGroupMembers",
                column: "NestedGroupId");

            migrationBuilder.CreateIndex(
                name: "IX_ScimGroupMembers_UserId",
                table: "ScimGroupMembers",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_ScimGroups_Tenant_ExternalId",
                table: "ScimGroups",
                columns: new[] { "Tenant", "ExternalId" });

            migrationBuilder.CreateIndex(
                name: "IX_ScimGroups_Tenant_NormalizedDisplayName",
                table: "ScimGroups",
                columns: new[] { "Tenant", "NormalizedDisplayName" });

            migrationBuilder.CreateIndex(
                name: "IX_ScimUsers_Tenant_ExternalId",
                table: "ScimUsers",
                columns: new[] { "Tenant", "ExternalId" });

            migrationBuilder.CreateIndex(
                name: "IX_ScimUsers_Tenant_NormalizedUserName",
                table: "ScimUsers",
                columns: new[] { "Tenant", "NormalizedUserName" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ScimUserValues_UserId_Attribute_Ordinal",
                table: "ScimUserValues",
                columns: new[] { "UserId", "Attribute", "Ordinal" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ScimGroupMembers");

            migrationBuilder.DropTable(
                name: "ScimUserValues");

            migrationBuilder.DropTable(
                name: "ScimGroups");

            migrationBuilder.DropTable(
                name: "ScimUsers");
        }
    }
}
