using System.Net;
using Microsoft.EntityFrameworkCore;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// Two creates of one userName that both pass the uniqueness check, as two requests on two
/// instances do under PostgreSQL's read committed isolation: the unique index on
/// <c>(Tenant, NormalizedUserName)</c> refuses the second insert, and that is the same conflict as
/// the check's: 409 <c>uniqueness</c> naming <c>userName</c> (the index's first column is the
/// tenant's, which is no SCIM attribute), with nothing of the refused create written.
/// </summary>
public sealed class PostgresUniqueRaceTests
{
    [Fact]
    public async Task CreateRefusedByTheUniqueIndex_IsAUserNameConflict_AndWritesNothing()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider.Postgres);
        using var client = app.Client();
        using var racer = app.Client();

        // The first create is held right after its uniqueness check found nothing; meanwhile a
        // second create of the same name (in another case) commits.
        Task<Reply>? second = null;
        app.Sql.AfterReader = async text =>
        {
            if (second is null && text.Contains("\"NormalizedUserName\"", StringComparison.Ordinal) && text.Contains("EXISTS", StringComparison.Ordinal))
            {
                second = racer.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"RACER"}""");
                await second;
            }
        };

        var first = await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"racer","displayName":"First"}""");
        app.Sql.AfterReader = null;

        Assert.NotNull(second);
        var winner = (string)(await second).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        Assert.Equal(HttpStatusCode.Conflict, first.Status);
        Assert.Equal("uniqueness", (string?)first.Json["scimType"]);
        Assert.Contains("userName", (string?)first.Json["detail"], StringComparison.Ordinal);

        await using var db = app.Database();
        var rows = await db.Set<ScimUserEntity>().Where(u => u.NormalizedUserName == "RACER").Select(u => u.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([winner], rows);
        Assert.Equal(0, await db.Set<ScimUserEntity>().CountAsync(u => u.DisplayName == "First", TestContext.Current.CancellationToken));
    }
}

/// <summary>
/// Which columns a unique violation names, as each provider reports it (PostgreSQL by the
/// constraint's name, SQLite in its message): every column of the index, in its order, so the
/// store can tell the attribute from the tenant.
/// </summary>
public abstract class UniqueViolationColumnsTests
{
    protected abstract Provider Provider { get; }

    [Fact]
    public async Task DuplicateUserName_NamesTheTenantAndTheNormalizedColumn()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        var ct = TestContext.Current.CancellationToken;
        await using (var db = app.Database())
        {
            db.Add(new ScimUserEntity { Id = "u1", Tenant = "t", UserName = "a", NormalizedUserName = "A", Version = "1" });
            await db.SaveChangesAsync(ct);
        }

        await using var again = app.Database();
        again.Add(new ScimUserEntity { Id = "u2", Tenant = "t", UserName = "A", NormalizedUserName = "A", Version = "1" });
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => again.SaveChangesAsync(ct));

        Assert.True(DatabaseFailures.IsUniqueViolation(error, again, typeof(ScimUserEntity), out var properties));
        Assert.Equal([nameof(ScimUserEntity.Tenant), nameof(ScimUserEntity.NormalizedUserName)], properties);
        Assert.False(DatabaseFailures.IsUniqueViolation(new InvalidOperationException("not the database"), again, typeof(ScimUserEntity), out _));
    }
}

/// <summary>The columns of a unique violation on SQLite.</summary>
public sealed class SqliteUniqueViolationColumnsTests : UniqueViolationColumnsTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The columns of a unique violation on PostgreSQL.</summary>
public sealed class PostgresUniqueViolationColumnsTests : UniqueViolationColumnsTests
{
    protected override Provider Provider => Provider.Postgres;
}
