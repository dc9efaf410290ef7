using System.Net;
using Scim.Core.Agents;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.Resources;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// A host's logs carry EF Core's warnings: the stores' own queries give none over a resource's
/// whole life (create, read, filter, PATCH, PUT, members, delete), in the SCIM-owned tables and
/// in the store of host resource types.
/// </summary>
public abstract class EntityFrameworkWarningsTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task UsersAndGroups_ThroughTheirLife_LogNoWarning()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var user = (string)(await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"warn.one","emails":[{"value":"a@example.com","type":"work"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var other = (string)(await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"warn.two"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        (await client.Get($"Users/{user}")).Expect(HttpStatusCode.OK, app.Errors);
        (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"WARN.ONE\""))).Expect(HttpStatusCode.OK, app.Errors);
        (await client.Get("Users?sortBy=userName&startIndex=2&count=1")).Expect(HttpStatusCode.OK, app.Errors);
        (await client.Patch($"Users/{user}", Http.PatchOp("""{"op":"replace","path":"displayName","value":"Warn One"}"""))).Expect(HttpStatusCode.OK, app.Errors);
        (await client.Put($"Users/{user}", $$"""{"schemas":["{{UserSchema}}"],"userName":"warn.one","active":false}""")).Expect(HttpStatusCode.OK, app.Errors);
        var group = (string)(await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Warned","members":[{"value":"{{user}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        Succeeded(await client.Patch($"Groups/{group}", Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{other}}"}]}""")));
        Succeeded(await client.Patch($"Groups/{group}", Http.PatchOp($$"""{"op":"remove","path":"members[value eq \"{{user}}\"]"}""")));
        (await client.Get($"Groups/{group}")).Expect(HttpStatusCode.OK, app.Errors);
        (await client.Delete($"Users/{other}")).Expect(HttpStatusCode.NoContent, app.Errors);
        (await client.Delete($"Groups/{group}")).Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.Empty(app.Errors.EntityFrameworkWarnings);
    }

    [Fact]
    public async Task HostResourceTypes_ThroughTheirLife_LogNoWarning()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        using var client = app.Client();
        var agent = (string)(await client.Post("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Warn bot","active":true}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        (await client.Get($"Agents/{agent}")).Expect(HttpStatusCode.OK, app.Errors);
        (await client.Get("Agents?filter=" + Uri.EscapeDataString("name eq \"WARN BOT\""))).Expect(HttpStatusCode.OK, app.Errors);
        Succeeded(await client.Patch($"Agents/{agent}", Http.PatchOp("""{"op":"replace","path":"active","value":false}""")));
        (await client.Put($"Agents/{agent}", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Warn bot"}""")).Expect(HttpStatusCode.OK, app.Errors);
        (await client.Delete($"Agents/{agent}")).Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.Empty(app.Errors.EntityFrameworkWarnings);
    }

    private static void Succeeded(Reply reply) => Assert.True((int)reply.Status is >= 200 and < 300, $"{reply.Status}: {reply.Text}");
}

/// <summary>EF Core warnings on SQLite.</summary>
public sealed class SqliteEntityFrameworkWarningsTests : EntityFrameworkWarningsTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>EF Core warnings on PostgreSQL.</summary>
public sealed class PostgresEntityFrameworkWarningsTests : EntityFrameworkWarningsTests
{
    protected override Provider Provider => Provider.Postgres;
}
