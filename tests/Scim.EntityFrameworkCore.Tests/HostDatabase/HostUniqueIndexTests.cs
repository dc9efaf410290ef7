using System.Net;
using Microsoft.EntityFrameworkCore;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>
/// Unique indexes the host keeps on its own table, beyond the one SCIM asks for: a write that one of
/// them refuses is a 409 <c>uniqueness</c> naming the attribute the index's column holds, or the
/// column itself when neither EF Core's model nor the mapping has it; never a 500, and nothing written.
/// </summary>
public sealed class HostUniqueIndexTests
{
    [Fact]
    public async Task HostIndexOnAMappedColumn_SecondCreateIs409NamingThatAttribute()
    {
        var (app, second) = await SecondOfTwoCreatesAsync("CREATE UNIQUE INDEX \"IX_Accounts_Department\" ON \"Accounts\" (\"Department\")");
        await using var _ = app;

        Assert.Contains("department", (string?)second.Json["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain("userName", (string?)second.Json["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostIndexOnAColumnTheModelDoesNotHave_SecondCreateIs409NamingTheColumn()
    {
        // A column of the host's that neither EF Core's model nor the SCIM mapping knows, filled by
        // its default on every insert: the second insert breaks its unique index.
        var (app, second) = await SecondOfTwoCreatesAsync(
            "ALTER TABLE \"Accounts\" ADD COLUMN \"Badge\" TEXT NOT NULL DEFAULT 'none'",
            "CREATE UNIQUE INDEX \"IX_Accounts_Badge\" ON \"Accounts\" (\"Badge\")");
        await using var _ = app;

        Assert.Contains("Badge", (string?)second.Json["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain("userName", (string?)second.Json["detail"], StringComparison.Ordinal); // second@example.com is not taken
    }

    /// <summary>
    /// The host's schema with <paramref name="sql"/> run on it, then two creates with different user
    /// names and the same department: the second's reply, checked to be a 409 <c>uniqueness</c> that
    /// wrote nothing.
    /// </summary>
    private static async Task<(AccountsApp App, Reply Second)> SecondOfTwoCreatesAsync(params string[] sql)
    {
        var app = await AccountsApp.StartAsync();
        try
        {
            await using (var db = app.Database())
            {
                foreach (var statement in sql)
                {
                    await db.Database.ExecuteSqlRawAsync(statement, TestContext.Current.CancellationToken);
                }
            }

            using var client = app.Client();
            (await client.Post("Users", User("first@example.com"))).Expect(HttpStatusCode.Created, app.Errors);
            var second = await client.Post("Users", User("second@example.com"));

            second.Expect(HttpStatusCode.Conflict, app.Errors);
            Assert.Equal("uniqueness", (string?)second.Json["scimType"]);
            await using var rows = app.Database();
            Assert.Equal(["first@example.com"], await rows.Accounts.Select(a => a.Email).ToListAsync(TestContext.Current.CancellationToken));
            var reread = await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"second@example.com\""));
            Assert.Equal(0, (int)reread.Expect(HttpStatusCode.OK, app.Errors).Json["totalResults"]!);
            return (app, second);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static string User(string userName) =>
        $$$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"{{{userName}}}","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Research"}}""";
}
