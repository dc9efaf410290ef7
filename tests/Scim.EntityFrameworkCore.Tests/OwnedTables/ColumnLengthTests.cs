using System.Net;
using System.Text.Json.Nodes;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// A value's length is checked against its column as the database counts it: PostgreSQL's
/// <c>varchar(n)</c> counts characters, so a userName of emoji (two UTF-16 units each) that fits
/// is kept, and one past the limit is refused with its length in characters.
/// </summary>
public abstract class ColumnLengthTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task CharactersOutsideTheBmp_CountOnce()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();

        // 256 characters, 512 UTF-16 units: the column keeps 256.
        var fits = string.Concat(Enumerable.Repeat("\U0001F600", 256));
        var created = await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"{{fits}}"}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(fits, (string?)JsonNode.Parse(created.Text)!["userName"]);

        var refused = await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"{{fits}}x"}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("'userName' is 257 characters long; this service keeps at most 256.", (string?)JsonNode.Parse(refused.Text)!["detail"]);
        Assert.Empty(app.Errors.Errors);
    }
}

/// <summary>Column lengths on SQLite.</summary>
public sealed class SqliteColumnLengthTests : ColumnLengthTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Column lengths on PostgreSQL.</summary>
public sealed class PostgresColumnLengthTests : ColumnLengthTests
{
    protected override Provider Provider => Provider.Postgres;
}
