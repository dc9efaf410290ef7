using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Scim.Sample.Data.Migrations.Postgres
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
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Receiver = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    EventId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Tenant = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ResourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResourceId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Json = table.Column<string>(type: "text", nullable: false),
                    AvailableAt = table.Column<long>(type: "bigint", nullable: false),
                    LeaseToken = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    DeliveredAt = table.Column<long>(type: "bigint", nullable: true),
                    Dead = table.Column<bool>(type: "boolean", nullable: false),
                    LastError = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true)
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
                name: "IX_ScimEventDeliveries_Receiver_Tenant_ResourceType_ResourceId~",
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
