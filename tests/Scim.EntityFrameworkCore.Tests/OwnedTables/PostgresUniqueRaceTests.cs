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

/// <summary>
/// A group nested into another while it is deleted, on PostgreSQL: the delete removed the rows
/// that nest it, then the other request's row came in (read committed lets its key check pass
/// against a row the delete has only locked for update), and the delete met that row's foreign
/// key. It was a 409 telling the host to change the library's own key; the delete now wins.
/// </summary>
public sealed class PostgresNestingRaceTests
{
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    [Fact]
    public async Task AGroupNestedWhileItIsDeleted_IsDeleted_AndNestedNowhere()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider.Postgres);
        using var client = app.Client();
        using var racer = app.Client();
        var parent = (string)(await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"parent"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var child = (string)(await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"child"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

        // The delete is held right after it removed the rows that nest the child; meanwhile the
        // child is nested into the parent, and that request commits.
        Reply? nested = null;
        app.Sql.AfterNonQuery = text =>
        {
            if (nested is null && text.Contains("DELETE", StringComparison.Ordinal) && text.Contains("\"NestedGroupId\"", StringComparison.Ordinal))
            {
                nested = racer.Patch($"Groups/{parent}", Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{child}}","type":"Group"}]}""")).WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            }
        };

        var deleted = await client.Delete($"Groups/{child}");
        app.Sql.AfterNonQuery = null;

        Assert.NotNull(nested);
        nested.Expect(HttpStatusCode.NoContent, app.Errors); // it came first: the child was there
        deleted.Expect(HttpStatusCode.NoContent, app.Errors);
        (await client.Get($"Groups/{child}")).Expect(HttpStatusCode.NotFound, app.Errors);
        var members = (await client.Get($"Groups/{parent}")).Expect(HttpStatusCode.OK, app.Errors).Json["members"]?.AsArray() ?? [];
        Assert.Empty(members);
        await using var db = app.Database();
        Assert.Equal(0, await db.Set<ScimGroupMemberEntity>().CountAsync(m => m.MemberId == child || m.NestedGroupId == child, TestContext.Current.CancellationToken));

        // EF Core logs the refused statement itself; nothing of the library's is an error.
        Assert.All(app.Errors.Errors, e => Assert.StartsWith("Microsoft.EntityFrameworkCore.", e, StringComparison.Ordinal));
    }
}
