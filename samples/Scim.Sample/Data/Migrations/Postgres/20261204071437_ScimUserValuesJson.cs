using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scim.Sample.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ScimUserValuesJson : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ValuesJson",
                table: "ScimUsers",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ValuesJson",
                table: "ScimUsers");
        }
    }
}
