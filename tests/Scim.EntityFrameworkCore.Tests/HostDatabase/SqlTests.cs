using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>What the stores send to the host's database: parameters, index seeks, and member changes that do not read the member list.</summary>
public sealed class SqlTests
{
    [Fact]
    public async Task UserNameFilters_AreOneParameterizedCommand_WhateverTheValue()
    {
        await using var app = await AccountsApp.StartAsync();
        using var client = app.Client();
        var names = new[] { "ada@example.com", "Grace@Example.com", "o'brien@example.com" };
        foreach (var name in names)
        {
            (await client.Post("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{name}}"}""")).Expect(HttpStatusCode.Created, app.Errors);
        }

        var texts = new List<string>();
        foreach (var name in names)
        {
            app.Sql.Clear();
            var found = (await client.Get("Users?filter=" + Uri.EscapeDataString($"userName eq \"{name.ToUpperInvariant()}\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
            Assert.Equal(1, (int)found["totalResults"]!);
            var page = app.Sql.Commands.Single(c => c.Text.Contains("FROM \"Accounts\"", StringComparison.Ordinal) && c.Text.Contains("LIMIT", StringComparison.Ordinal));
            Assert.DoesNotContain(name, page.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("example", page.Text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(page.Parameters, p => p.Value is string s && s.Equals(name, StringComparison.OrdinalIgnoreCase));
            texts.Add(page.Text);
        }

        // One SQL text for every value: EF Core compiles the query once.
        Assert.Single(texts.Distinct(StringComparer.Ordinal));
    }

    /// <summary>
    /// A lookup by userName (a column folded with <c>lower()</c> on both sides) runs as a compiled
    /// query, with no offset, which a planned page always has, and answers what the planned query
    /// answers, in any case and beyond ASCII; a team's <c>displayName eq</c> too.
    /// </summary>
    [Fact]
    public async Task Lookups_AreCompiled_AndAnswerAsThePlannedQuery()
    {
        await using var app = await AccountsApp.StartAsync();
        using var client = app.Client();
        var names = new[] { "ada@example.com", "Grace.Hopper@Example.com", "élodie.zoë@example.com", "ÅSA@EXAMPLE.COM" };
        var ids = new Dictionary<string, string>();
        foreach (var name in names)
        {
            ids[name] = (string)(await client.Post("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{name}}"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        }

        foreach (var asked in names.SelectMany(n => new[] { n, n.ToUpperInvariant(), n.ToLowerInvariant() }).Append("nobody@example.com"))
        {
            app.Sql.Clear();
            var compiled = (await client.Get("Users?filter=" + Uri.EscapeDataString($"userName eq \"{asked}\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
            Assert.DoesNotContain(app.Sql.RequestCommands, c => c.Text.Contains("OFFSET", StringComparison.Ordinal));
            var planned = (await client.Get("Users?sortBy=id&filter=" + Uri.EscapeDataString($"userName eq \"{asked}\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
            Assert.Equal((int)planned["totalResults"]!, (int)compiled["totalResults"]!);
            Assert.Equal(planned["Resources"]?.ToJsonString(), compiled["Resources"]?.ToJsonString());
        }

        var ada = (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"ADA@EXAMPLE.COM\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(ids["ada@example.com"], (string)Assert.Single(ada["Resources"]!.AsArray())!["id"]!);

        var team = (string)(await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Compilers","members":[{"value":"{{ids["ada@example.com"]}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        app.Sql.Clear();
        var byName = (await client.Get("Groups?filter=" + Uri.EscapeDataString("displayName eq \"compilers\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.DoesNotContain(app.Sql.RequestCommands, c => c.Text.Contains("OFFSET", StringComparison.Ordinal));
        var group = Assert.Single(byName["Resources"]!.AsArray())!;
        Assert.Equal(team, (string)group["id"]!);
        Assert.Equal(ids["ada@example.com"], (string)Assert.Single(group["members"]!.AsArray())!["value"]!);
    }

    /// <summary>
    /// An account's teams, over the host's own membership entity: a GET by id and a lookup read
    /// them in one statement (the account's membership rows, each team's name by its key, only
    /// teams that exist), in the context that read the account (the user store carries them), and
    /// they are the teams and names a page of several accounts reads in its two statements.
    /// </summary>
    [Fact]
    public async Task OneAccountsTeams_AreOneStatement_AndAgreeWithAPage()
    {
        await using var app = await AccountsApp.StartAsync();
        using var client = app.Client();
        var ada = (string)(await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var grace = (string)(await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace@example.com"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        (await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Compilers","members":[{"value":"{{ada}}"},{"value":"{{grace}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors);
        var navy = (string)(await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Navy","members":[{"value":"{{grace}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        (await client.Post("Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Nobody's"}""")).Expect(HttpStatusCode.Created, app.Errors);

        app.Sql.Clear();
        var byId = (await client.Get($"Users/{grace}")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(["Compilers", "Navy"], Teams(byId));
        Assert.Equal(2, app.Sql.RequestCommands.Count); // the account's row, then its teams
        Assert.Single(app.Sql.RequestCommands, c => c.Text.Contains("\"TeamMemberships\"", StringComparison.Ordinal));
        Assert.Single(app.Sql.RequestCommands.Select(c => c.Context).Distinct());
        Assert.Contains(byId["groups"]!.AsArray(), g => (string)g!["value"]! == navy);

        app.Sql.Clear();
        var lookup = (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"GRACE@example.com\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(["Compilers", "Navy"], Teams(Assert.Single(lookup["Resources"]!.AsArray())!));
        Assert.Equal(2, app.Sql.RequestCommands.Count);
        Assert.Single(app.Sql.RequestCommands.Select(c => c.Context).Distinct());

        var page = (await client.Get("Users?count=10")).Expect(HttpStatusCode.OK, app.Errors).Json["Resources"]!.AsArray();
        Assert.Equal(byId["groups"]!.ToJsonString(), page.Single(u => (string)u!["id"]! == grace)!["groups"]!.ToJsonString());
        Assert.Equal(["Compilers"], Teams(page.Single(u => (string)u!["id"]! == ada)!));

        // Read, not kept: a renamed team reads with its new name; an account in no team has none.
        await using (var db = app.Database())
        {
            await db.Teams.Where(t => t.Name == "Navy").ExecuteUpdateAsync(t => t.SetProperty(x => x.Name, "Navy Reserve"), TestContext.Current.CancellationToken);
            var adaKey = int.Parse(ada, System.Globalization.CultureInfo.InvariantCulture);
            await db.TeamMemberships.Where(m => m.AccountId == adaKey).ExecuteDeleteAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(["Compilers", "Navy Reserve"], Teams((await client.Get($"Users/{grace}")).Expect(HttpStatusCode.OK, app.Errors).Json));
        Assert.Empty(Teams((await client.Get($"Users/{ada}")).Expect(HttpStatusCode.OK, app.Errors).Json));

        static List<string> Teams(System.Text.Json.Nodes.JsonNode user) =>
            [.. (user["groups"]?.AsArray() ?? []).Select(g => (string)g!["display"]!).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task UserNameEq_IsAnIndexSearch_OnTheCaseInsensitiveIndex()
    {
        await using var app = await AccountsApp.StartAsync();
        using var client = app.Client();
        (await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com"}""")).Expect(HttpStatusCode.Created, app.Errors);
        app.Sql.Clear();

        (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"ADA@example.com\""))).Expect(HttpStatusCode.OK, app.Errors);

        var page = app.Sql.Commands.Single(c => c.Text.Contains("FROM \"Accounts\"", StringComparison.Ordinal) && c.Text.Contains("LIMIT", StringComparison.Ordinal));
        var plan = await ExplainAsync(app, page);
        Assert.Contains("SEARCH", plan, StringComparison.Ordinal);
        Assert.Contains("IX_Accounts_Email_lower", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN a", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemberPatch_OnAHundredThousandMemberTeam_ReadsNoMemberList()
    {
        await using var app = await AccountsApp.StartAsync();
        using var client = app.Client();
        await using (var db = app.Database())
        {
            // Seeded by SQL, as a host's existing data would be.
            await db.Database.ExecuteSqlRawAsync("""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
                INSERT INTO Accounts (Email, IsDisabled, CreatedAt) SELECT 'user' || i || '@example.com', 0, '2024-01-01 00:00:00' FROM n;
                INSERT INTO Teams (Name) VALUES ('Everyone');
                INSERT INTO TeamMemberships (TeamId, AccountId) SELECT 1, AccountId FROM Accounts;
                """, TestContext.Current.CancellationToken);
        }

        var newcomer = (string)(await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"newcomer@example.com"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        app.Sql.Clear();

        var added = await client.Patch("Groups/1", Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{newcomer}}"}]},{"op":"remove","path":"members[value eq \"5\"]"}"""));

        added.Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.Equal(string.Empty, added.Text);
        var commands = app.Sql.Commands;
        var memberships = commands.Where(c => c.Text.Contains("\"TeamMemberships\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(memberships);

        // Every statement on the membership rows names the members it is about, or only counts them.
        Assert.All(memberships, c => Assert.True(
            c.Text.Contains("\"AccountId\" IN", StringComparison.Ordinal) || c.Text.Contains("\"AccountId\" =", StringComparison.Ordinal) || c.Text.StartsWith("INSERT", StringComparison.Ordinal) || c.Text.Contains("COUNT(*)", StringComparison.Ordinal),
            "a statement reads the member list: " + c.Text));
        Assert.True(commands.Count <= 15, $"{commands.Count} statements for one member change:\n" + string.Join("\n---\n", commands.Select(c => c.Text)));
        await using (var db = app.Database())
        {
            Assert.Equal(100_000, await db.TeamMemberships.CountAsync(TestContext.Current.CancellationToken));
            Assert.True(await db.TeamMemberships.AnyAsync(m => m.AccountId == int.Parse(newcomer, System.Globalization.CultureInfo.InvariantCulture), TestContext.Current.CancellationToken));
            Assert.False(await db.TeamMemberships.AnyAsync(m => m.AccountId == 5, TestContext.Current.CancellationToken));
        }
    }

    /// <summary>
    /// An add of accounts a team has already, over the host's own membership entity (integer
    /// keys): one count of the named rows settles that it changes nothing, and nothing is written;
    /// an add with one new account is written as before.
    /// </summary>
    [Fact]
    public async Task AddOfAccountsATeamHas_IsCountedNotWritten()
    {
        await using var app = await AccountsApp.StartAsync();
        using var client = app.Client();
        async Task<string> NewAccount(string email) => (string)(await client.Post("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{email}}"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var ada = await NewAccount("ada@example.com");
        var grace = await NewAccount("grace@example.com");
        var team = (await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Compilers","members":[{"value":"{{ada}}"},{"value":"{{grace}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors);
        var teamId = (string)team.Json["id"]!;

        app.Sql.Clear();
        (await client.Patch("Groups/" + teamId, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{grace}}"},{"value":"{{ada}}"}]}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.DoesNotContain(app.Sql.RequestCommands, c => c.Text.TrimStart().StartsWith("INSERT", StringComparison.Ordinal) || c.Text.TrimStart().StartsWith("UPDATE", StringComparison.Ordinal) || c.Text.TrimStart().StartsWith("DELETE", StringComparison.Ordinal));
        Assert.Single(app.Sql.RequestCommands, c => c.Text.Contains("COUNT(*)", StringComparison.Ordinal) && c.Text.Contains("\"AccountId\" IN (", StringComparison.Ordinal)); // the named members counted (the team's version counts all of them)
        var now = (await client.Get("Groups/" + teamId)).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal(team.ETag, now.ETag);
        Assert.Equal(2, now.Json["members"]!.AsArray().Count);

        var linus = await NewAccount("linus@example.com");
        app.Sql.Clear();
        (await client.Patch("Groups/" + teamId, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{ada}}"},{"value":"{{linus}}"}]}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.Contains(app.Sql.RequestCommands, c => c.Text.StartsWith("INSERT INTO \"TeamMemberships\"", StringComparison.Ordinal));
        var after = (await client.Get("Groups/" + teamId)).Expect(HttpStatusCode.OK, app.Errors);
        Assert.NotEqual(team.ETag, after.ETag);
        Assert.Equal(3, after.Json["members"]!.AsArray().Count);
    }

    private static async Task<string> ExplainAsync(AccountsApp app, SqlCommand command)
    {
        await using var db = app.Database();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.Text;
        foreach (var (name, value) in command.Parameters)
        {
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var plan = new System.Text.StringBuilder();
        await using var reader = await explain.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            plan.AppendLine(reader.GetString(3));
        }

        return plan.ToString();
    }
}
