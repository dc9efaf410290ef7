using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Scim.Core.Agents;
using Scim.Core.Provisioning;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.Resources;

public sealed class SqliteAgentsInGroupsTests : AgentsInGroupsTests
{
    protected override Provider Provider => Provider.Sqlite;
}

public sealed class PostgresAgentsInGroupsTests : AgentsInGroupsTests
{
    protected override Provider Provider => Provider.Postgres;
}

/// <summary>
/// Agents as group members in the EF Core group store over the SCIM-owned tables (with the table
/// of other resource types), over real HTTP: the membership row refers to the agent with a
/// cascading foreign key, the agent's <c>groups</c> comes from SQL, and every bad input is a 4xx.
/// </summary>
public abstract class AgentsInGroupsTests
{
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    protected abstract Provider Provider { get; }

    private static string Agent(string name) => $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"{{name}}","active":true}""";

    private static string User(string userName) => $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}"}""";

    private static string Group(string displayName, params string[] memberIds) =>
        $$"""{"schemas":["{{GroupSchema}}"],"displayName":"{{displayName}}","members":[{{string.Join(",", memberIds.Select(id => $$"""{"value":"{{id}}"}"""))}}]}""";

    private static string AddMember(string id, string? type = null) =>
        Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{id}}"{{(type is null ? string.Empty : $",\"type\":\"{type}\"")}}}]}""");

    private static async Task<string> CreateAsync(HttpClient client, string path, string body) =>
        (string)(await client.Post(path, body)).Expect(HttpStatusCode.Created).Json["id"]!;

    private static async Task<JsonArray> MembersAsync(HttpClient client, string groupId) =>
        (await client.Get($"Groups/{groupId}")).Expect(HttpStatusCode.OK).Json["members"]?.AsArray() ?? [];

    private static async Task<JsonArray> GroupsOfAgentAsync(HttpClient client, string agentId) =>
        (await client.Get($"Agents/{agentId}")).Expect(HttpStatusCode.OK).Json["groups"]?.AsArray() ?? [];

    private static void Succeeded(Reply reply) =>
        Assert.True(reply.Status is HttpStatusCode.OK or HttpStatusCode.NoContent, $"expected 200 or 204, got {(int)reply.Status}: {reply.Text}");

    /// <summary>
    /// A name already taken, by a POST or a PUT, is a 409 found before the row is written: the
    /// database never refuses a statement for it, so nothing is logged as an error.
    /// </summary>
    [Fact]
    public async Task TakenName_Is409_WithNothingLoggedAsAnError()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        using var client = app.Client();
        await CreateAsync(client, "Agents", Agent("Helpdesk"));
        var other = await CreateAsync(client, "Agents", Agent("Other"));

        Assert.Equal("uniqueness", (string?)(await client.Post("Agents", Agent("HELPDESK"))).Expect(HttpStatusCode.Conflict).Json["scimType"]);
        Assert.Equal("uniqueness", (string?)(await client.Put("Agents/" + other, Agent("helpdesk"))).Expect(HttpStatusCode.Conflict).Json["scimType"]);
        (await client.Put("Agents/" + other, Agent("Other"))).Expect(HttpStatusCode.OK); // its own name is no conflict

        Assert.Empty(app.Errors.Errors);
    }

    [Fact]
    public async Task PatchAdd_AnAgent_ListedAsAgent_AgentShowsTheGroup_FilterFindsIt_RemoveTakesItOut()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        var client = app.Client();
        var user = await CreateAsync(client, "Users", User("ada"));
        var agent = await CreateAsync(client, "Agents", Agent("Helpdesk bot"));
        var group = await CreateAsync(client, "Groups", Group("Bots", user));

        Succeeded(await client.Patch($"Groups/{group}", AddMember(agent)));

        var members = await MembersAsync(client, group);
        Assert.Equal([(agent, "Agent"), (user, "User")], members.Select(m => ((string)m!["value"]!, (string)m["type"]!)).OrderBy(m => m.Item2, StringComparer.Ordinal));
        var groups = await GroupsOfAgentAsync(client, agent);
        var entry = Assert.Single(groups);
        Assert.Equal((group, "Bots", "direct"), ((string)entry!["value"]!, (string)entry["display"]!, (string)entry["type"]!));
        Assert.EndsWith($"/Groups/{group}", (string)entry["$ref"]!, StringComparison.Ordinal);

        // Filters on members keep working, the agent's id and kind among them.
        var byValue = (await client.Get($"Groups?filter=members.value%20eq%20%22{agent}%22")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(group, (string)Assert.Single(byValue["Resources"]!.AsArray())!["id"]!);
        var byType = (await client.Get("Groups?filter=members.type%20eq%20%22Agent%22")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(1, (int)byType["totalResults"]!);
        var usersOnly = await CreateAsync(client, "Groups", Group("People", user));
        var byUserType = (await client.Get("Groups?filter=members.type%20eq%20%22User%22&sortBy=displayName")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal([group, usersOnly], byUserType["Resources"]!.AsArray().Select(g => (string)g!["id"]!));

        Succeeded(await client.Patch($"Groups/{group}", Http.PatchOp($$"""{"op":"remove","path":"members[value eq \"{{agent}}\"]"}""")));

        Assert.Equal([user], (await MembersAsync(client, group)).Select(m => (string)m!["value"]!));
        Assert.Empty(await GroupsOfAgentAsync(client, agent));
        Assert.Empty(app.Errors.Errors);
    }

    [Fact]
    public async Task PatchAdd_OneAgent_SameStatementsForASmallAndALargerGroup()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        var client = app.Client();
        var users = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            users.Add(await CreateAsync(client, "Users", User($"user{i}")));
        }

        var small = await CreateAsync(client, "Groups", Group("Small", users[0]));
        var large = await CreateAsync(client, "Groups", Group("Large", [.. users]));
        var first = await CreateAsync(client, "Agents", Agent("First"));
        var second = await CreateAsync(client, "Agents", Agent("Second"));

        app.Sql.Clear();
        Succeeded(await client.Patch($"Groups/{small}", AddMember(first)));
        var forSmall = app.Sql.RequestCommands;
        app.Sql.Clear();
        Succeeded(await client.Patch($"Groups/{large}", AddMember(second)));
        var forLarge = app.Sql.RequestCommands;

        // Deltas: the same statements, text for text, whatever the group's size (none reads the member list).
        Assert.Equal(forSmall.Select(c => c.Text), forLarge.Select(c => c.Text));

        // The checks of which named members are there (whether all are, outside the transaction,
        // then which, in it): one parameter per id, never an array, whose generic plan on
        // PostgreSQL searched the group by its key alone.
        var checks = forLarge.Where(c => c.Text.Contains("FROM \"ScimGroupMembers\"", StringComparison.Ordinal) && c.Text.Contains("\"GroupId\" =", StringComparison.Ordinal)).Select(c => c.Text).ToList();
        Assert.Equal(2, checks.Count);
        Assert.All(checks, check =>
        {
            Assert.True(check.Contains("\"MemberId\" IN (@", StringComparison.Ordinal) || check.Contains("\"MemberId\" = @", StringComparison.Ordinal), check);
            Assert.DoesNotContain("ANY", check, StringComparison.Ordinal);
            Assert.DoesNotContain("json_each", check, StringComparison.Ordinal);
        });
        Assert.Equal(41, (await MembersAsync(client, large)).Count);
    }

    [Fact]
    public async Task GetAgent_ItsGroupsAreOneQueryOverTheMembershipRows_NoGroupLoaded()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        var client = app.Client();
        var agent = await CreateAsync(client, "Agents", Agent("Helpdesk bot"));
        var user = await CreateAsync(client, "Users", User("ada"));
        await CreateAsync(client, "Groups", Group("Bots", agent, user));
        await CreateAsync(client, "Groups", Group("Helpers", agent));

        app.Sql.Clear();
        Assert.Equal(2, (await GroupsOfAgentAsync(client, agent)).Count);

        // Its groups are one statement: the membership rows by member id, each group's name read by
        // the row's group key (no member list, no group row read whole). (The agent's row and, for
        // its derived applications, the tenant's AgenticApplication rows are the other statements.)
        var groups = Assert.Single(app.Sql.Commands, c => c.Text.Contains("\"ScimGroupMembers\"", StringComparison.Ordinal) || c.Text.Contains("\"ScimGroups\"", StringComparison.Ordinal)).Text;
        Assert.Contains("\"MemberId\" = ", groups, StringComparison.Ordinal);
        Assert.Contains("\"Id\" = ", groups, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Extensions\"", groups, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAgent_RemovesItsMemberships_AndChangesTheGroupsVersions()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        var client = app.Client();
        var agent = await CreateAsync(client, "Agents", Agent("Helpdesk bot"));
        var one = await CreateAsync(client, "Groups", Group("One", agent));
        var two = await CreateAsync(client, "Groups", Group("Two", agent));
        var before = (await client.Get($"Groups/{one}")).Expect(HttpStatusCode.OK).ETag;
        Assert.Equal(2, (await GroupsOfAgentAsync(client, agent)).Count);

        (await client.Delete($"Agents/{agent}")).Expect(HttpStatusCode.NoContent);

        Assert.Empty(await MembersAsync(client, one));
        Assert.Empty(await MembersAsync(client, two));
        Assert.NotEqual(before, (await client.Get($"Groups/{one}")).ETag);
        await using var db = app.Database();
        Assert.Equal(0, await db.Set<ScimGroupMemberEntity>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AgentsDeletedWhileBeingAdded_NeverLeftAMember_NoServerError()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        var client = app.Client();
        var group = await CreateAsync(client, "Groups", Group("Bots"));
        var agents = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            agents.Add(await CreateAsync(client, "Agents", Agent($"Bot {i}")));
        }

        // Each agent added to the group and deleted at the same moment: whichever wins, the add
        // succeeds or is refused as an unknown member, and no deleted agent stays listed.
        var races = agents.SelectMany(agent => new[]
        {
            client.Patch($"Groups/{group}", AddMember(agent)),
            client.Delete($"Agents/{agent}"),
        });
        var replies = await Task.WhenAll(races);

        Assert.All(replies, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed, $"{(int)r.Status}: {r.Text}"));
        Assert.Empty(await MembersAsync(client, group));
        await using var db = app.Database();
        Assert.Equal(0, await db.Set<ScimGroupMemberEntity>().CountAsync(TestContext.Current.CancellationToken));
        Assert.All(replies.Where((_, i) => i % 2 == 1), delete => delete.Expect(HttpStatusCode.NoContent));

        // EF Core logs the foreign key's refusal of a losing insert itself; nothing else is an error.
        Assert.DoesNotContain(app.Errors.Errors, e => !e.StartsWith("Microsoft.EntityFrameworkCore.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeleteGroup_LeavesNoMembershipRow_AndTheAgentInNoGroup()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        var client = app.Client();
        var agent = await CreateAsync(client, "Agents", Agent("Helpdesk bot"));
        var group = await CreateAsync(client, "Groups", Group("Bots", agent));

        (await client.Delete($"Groups/{group}")).Expect(HttpStatusCode.NoContent);

        Assert.Empty(await GroupsOfAgentAsync(client, agent));
        await using var db = app.Database();
        Assert.Equal(0, await db.Set<ScimGroupMemberEntity>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task PutAndPatchReplace_WithAgents_SetTheMembers()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        var client = app.Client();
        var user = await CreateAsync(client, "Users", User("ada"));
        var first = await CreateAsync(client, "Agents", Agent("First"));
        var second = await CreateAsync(client, "Agents", Agent("Second"));
        var group = await CreateAsync(client, "Groups", Group("Bots", user));

        var put = (await client.Put($"Groups/{group}", Group("Bots", user, first))).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(new[] { first, user }.Order(StringComparer.Ordinal), put["members"]!.AsArray().Select(m => (string)m!["value"]!).Order(StringComparer.Ordinal));
        Assert.Equal("Agent", (string)put["members"]!.AsArray().Single(m => (string)m!["value"]! == first)!["type"]!);

        (await client.Put($"Groups/{group}", Group("Bots", second))).Expect(HttpStatusCode.OK);
        Assert.Equal([second], (await MembersAsync(client, group)).Select(m => (string)m!["value"]!));
        Assert.Empty(await GroupsOfAgentAsync(client, first));

        Succeeded(await client.Patch($"Groups/{group}", Http.PatchOp($$"""{"op":"replace","path":"members","value":[{"value":"{{first}}","type":"Agent"},{"value":"{{user}}"}]}""")));
        Assert.Equal(new[] { first, user }.Order(StringComparer.Ordinal), (await MembersAsync(client, group)).Select(m => (string)m!["value"]!).Order(StringComparer.Ordinal));
        Assert.Empty(await GroupsOfAgentAsync(client, second));
        Assert.Single(await GroupsOfAgentAsync(client, first));
        Assert.Empty(app.Errors.Errors);
    }

    [Fact]
    public async Task UnknownAgent_RejectedByDefault_LeftOutWhenTheServiceIgnoresUnknownMembers()
    {
        await using (var app = await AgentsApp.StartAsync(Provider))
        {
            var client = app.Client();
            var group = await CreateAsync(client, "Groups", Group("Bots"));
            var version = (await client.Get($"Groups/{group}")).ETag;

            var refused = (await client.Patch($"Groups/{group}", AddMember("no-such-agent", "Agent"))).Expect(HttpStatusCode.BadRequest).Json;

            Assert.Equal("invalidValue", (string)refused["scimType"]!);
            Assert.Contains("no-such-agent", (string)refused["detail"]!, StringComparison.Ordinal);
            (await client.Post("Groups", Group("Others", "no-such-agent"))).Expect(HttpStatusCode.BadRequest);
            Assert.Equal(version, (await client.Get($"Groups/{group}")).ETag);
        }

        await using (var app = await AgentsApp.StartAsync(Provider, o => o.UnknownMembers = UnknownMemberHandling.Ignore))
        {
            var client = app.Client();
            var agent = await CreateAsync(client, "Agents", Agent("Helpdesk bot"));
            var group = await CreateAsync(client, "Groups", Group("Bots", "no-such-agent", agent));

            Assert.Equal([agent], (await MembersAsync(client, group)).Select(m => (string)m!["value"]!));
            Assert.Empty(app.Errors.Errors);
        }
    }

    [Fact]
    public async Task BadMembers_AreClientErrors_NothingWritten()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        var client = app.Client();
        var agent = await CreateAsync(client, "Agents", Agent("Helpdesk bot"));
        var group = await CreateAsync(client, "Groups", Group("Bots"));
        var version = (await client.Get($"Groups/{group}")).ETag;

        // The agent named as another kind; an id longer than any key; no value; a value that is not a string.
        var wrongKind = (await client.Patch($"Groups/{group}", AddMember(agent, "User"))).Expect(HttpStatusCode.BadRequest).Json;
        Assert.Equal("invalidValue", (string)wrongKind["scimType"]!);
        (await client.Patch($"Groups/{group}", AddMember(new string('a', 300), "Agent"))).Expect(HttpStatusCode.BadRequest);
        (await client.Patch($"Groups/{group}", Http.PatchOp("""{"op":"add","path":"members","value":[{"type":"Agent"}]}"""))).Expect(HttpStatusCode.BadRequest);
        (await client.Patch($"Groups/{group}", Http.PatchOp("""{"op":"add","path":"members","value":[{"value":{"id":1},"type":"Agent"}]}"""))).Expect(HttpStatusCode.BadRequest);
        (await client.Patch($"Groups/{group}", AddMember(group, "Agent"))).Expect(HttpStatusCode.BadRequest);

        Assert.Equal(version, (await client.Get($"Groups/{group}")).ETag);
        Assert.Empty(await MembersAsync(client, group));
        Assert.Empty(app.Errors.Errors);
    }
}
