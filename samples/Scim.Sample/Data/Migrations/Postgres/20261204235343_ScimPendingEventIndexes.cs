using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scim.Sample.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ScimPendingEventIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ScimEvents_Tenant_ResourceType_ResourceId_Sequence",
                table: "ScimEvents");

            migrationBuilder.DropIndex(
                name: "IX_ScimEventDeliveries_Receiver_Tenant_ResourceType_ResourceId~",
                table: "ScimEventDeliveries");

            migrationBuilder.CreateIndex(
                name: "IX_ScimEvents_Tenant_ResourceType_ResourceId_Sequence",
                table: "ScimEvents",
                columns: new[] { "Tenant", "ResourceType", "ResourceId", "Sequence" },
                filter: "\"DeliveredAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ScimEventDeliveries_Receiver_Tenant_ResourceType_ResourceId~",
                table: "ScimEventDeliveries",
                columns: new[] { "Receiver", "Tenant", "ResourceType", "ResourceId", "Sequence" },
                filter: "\"DeliveredAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ScimEvents_Tenant_ResourceType_ResourceId_Sequence",
                table: "ScimEvents");

            migrationBuilder.DropIndex(
                name: "IX_ScimEventDeliveries_Receiver_Tenant_ResourceType_ResourceId~",
                table: "ScimEventDeliveries");

            migrationBuilder.CreateIndex(
                name: "IX_ScimEvents_Tenant_ResourceType_ResourceId_Sequence",
                table: "ScimEvents",
                columns: new[] { "Tenant", "ResourceType", "ResourceId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_ScimEventDeliveries_Receiver_Tenant_ResourceType_ResourceId~",
                table: "ScimEventDeliveries",
                columns: new[] { "Receiver", "Tenant", "ResourceType", "ResourceId", "Sequence" });
        }
    }
}
