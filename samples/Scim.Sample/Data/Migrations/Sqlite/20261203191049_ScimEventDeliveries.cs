using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scim.Sample.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScimEventDeliveries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ScimEventDeliveries",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Receiver = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Tenant = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ResourceType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ResourceId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    AvailableAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LeaseToken = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    DeliveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Dead = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScimEventDeliveries", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ScimEventDeliveries_LeaseToken",
                table: "ScimEventDeliveries",
                column: "LeaseToken");

            migrationBuilder.CreateIndex(
                name: "IX_ScimEventDeliveries_Receiver_DeliveredAt_AvailableAt",
                table: "ScimEventDeliveries",
                columns: new[] { "Receiver", "DeliveredAt", "AvailableAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ScimEventDeliveries_Receiver_EventId",
                table: "ScimEventDeliveries",
                columns: new[] { "Receiver", "EventId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ScimEventDeliveries_Receiver_Tenant_ResourceType_ResourceId_Sequence",
                table: "ScimEventDeliveries",
                columns: new[] { "Receiver", "Tenant", "ResourceType", "ResourceId", "Sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ScimEventDeliveries");
        }
    }
}
