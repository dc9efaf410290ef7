using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Agents;
using Scim.Core.Events;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// AI agents over HTTP with <c>AddAgents()</c>: the lifecycle an IdP drives (create, read, filter,
/// PATCH, PUT, deactivate, delete), ownership by a user, membership of an agent in a group, the
/// drafts' own examples replayed, and nothing advertised when agents are not enabled.
/// </summary>
public sealed class AgentTests
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private static Task<ScimTestServer> StartAsync(Action<ScimAgentOptions>? configure = null) =>
        ScimTestServer.StartAsync(o => o.Scim = s => s.AddAgents(configure));

    [Fact]
    public async Task Lifecycle_CreateReadFilterPatchPutDeactivateDelete()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        var owner = (string)(await client.CreateUserAsync("ada@example.com"))["id"]!;

        var created = await client.PostAsync("Agents", $$$"""{"schemas":["{{{ScimAgents.AgentSchema}}}"],"externalId":"8ccc535b","name":"Helpdesk bot","agentType":"Assistant","active":true,"owners":[{"value":"{{{owner}}}","display":"Ada"}]}""");
        var agent = Resource(created, HttpStatusCode.Created);
        var id = (string)agent["id"]!;
        Assert.EndsWith("/Agents/" + id, created.Location);
        Assert.Equal("Agent", (string?)agent["meta"]!["resourceType"]);
        Assert.Equal(owner, (string?)agent["owners"]![0]!["value"]);

        Assert.Equal("Helpdesk bot", (string?)Resource(await client.GetAsync("Agents/" + id), HttpStatusCode.OK)["name"]);

        // §5.1.2: equality on name and on externalId (the draft writes the quotes as ' for readability).
        Assert.Equal([id], Ids(List(await client.GetAsync("Agents?filter=" + Uri.EscapeDataString("name eq \"helpdesk BOT\"")), totalResults: 1)));
        Assert.Equal([id], Ids(List(await client.GetAsync("Agents?filter=" + Uri.EscapeDataString("externalId eq \"8ccc535b\"")), totalResults: 1)));
        Assert.Equal([id], Ids(List(await client.GetAsync("Agents?filter=" + Uri.EscapeDataString($"owners.value eq \"{owner}\"")), totalResults: 1)));

        var patched = Resource(await client.PatchAsync("Agents/" + id, $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"displayName","value":"Helpdesk"},{"op":"add","path":"protocols","value":[{"type":"MCP-Server","specificationUrl":"https://example.com/mcp"}]}]}"""), HttpStatusCode.OK);
        Assert.Equal("Helpdesk", (string?)patched["displayName"]);
        Assert.Equal("MCP-Server", (string?)patched["protocols"]![0]!["type"]);

        var replaced = Resource(await client.PutAsync("Agents/" + id, $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Helpdesk bot","agentType":"Chat bot","active":true}"""), HttpStatusCode.OK);
        Assert.Equal("Chat bot", (string?)replaced["agentType"]);
        Assert.Null(replaced["owners"]); // PUT replaces: owners not sent are gone
        Assert.Null(replaced["protocols"]);

        var deactivated = Resource(await client.PatchAsync("Agents/" + id, $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"active","value":false}]}""", ("If-Match", replaced["meta"]!["version"]!.ToString())), HttpStatusCode.OK);
        Assert.False((bool)deactivated["active"]!);
        Assert.Equal([id], Ids(List(await client.GetAsync("Agents?filter=" + Uri.EscapeDataString("active eq false")), totalResults: 1)));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Agents/" + id)).Status);
        Error(await client.GetAsync("Agents/" + id), HttpStatusCode.NotFound);
    }

    /// <summary>
    /// An agent's groups and applications are derived as it is read (from the groups that list it,
    /// from the applications that name it); no store holds them, so a filter or a sort on them is
    /// refused, where it used to answer as if no agent had any.
    /// </summary>
    [Fact]
    public async Task FilterOrSortOnDerivedAttributes_IsRefused_WhileTheAttributesAreServed()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        var agent = (string)Resource(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Clippy"}"""), HttpStatusCode.Created)["id"]!;
        var group = (string)Resource(await client.PostAsync("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"bots","members":[{"value":"{{agent}}"}]}"""), HttpStatusCode.Created)["id"]!;
        var app = (string)Resource(await client.PostAsync("AgenticApplications", $$"""{"schemas":["{{ScimAgents.AgenticApplicationSchema}}"],"name":"portal","agents":[{"value":"{{agent}}"}]}"""), HttpStatusCode.Created)["id"]!;

        var read = Resource(await client.GetAsync("Agents/" + agent), HttpStatusCode.OK);
        Assert.Equal(group, (string?)read["groups"]![0]!["value"]);
        Assert.Equal(app, (string?)read["applications"]![0]!["value"]);

        foreach (var filter in new[] { $"groups.value eq \"{group}\"", "groups pr", "not (groups pr)", $"applications[value eq \"{app}\"]", "name pr and applications.display co \"p\"" })
        {
            var error = Error(await client.GetAsync("Agents?filter=" + Uri.EscapeDataString(filter)), HttpStatusCode.BadRequest, "invalidFilter");
            Assert.Contains("derives it", (string?)error["detail"], StringComparison.Ordinal);
        }

        Error(await client.GetAsync("Agents?sortBy=groups.value"), HttpStatusCode.BadRequest, "invalidPath");
        Error(await client.GetAsync("Agents?sortBy=applications"), HttpStatusCode.BadRequest, "invalidPath");
        Assert.Equal([agent], Ids(List(await client.GetAsync("Agents?filter=" + Uri.EscapeDataString("name eq \"Clippy\"")), totalResults: 1)));
    }

    [Fact]
    public async Task Deactivation_IsAnEventForTheAgent_AsForAUser()
    {
        var seen = new Events();
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s =>
        {
            s.Services.AddSingleton(seen);
            s.AddAgents().AddEventSubscriber<Events.Subscriber>();
        });
        var client = server.Client();
        var id = (string)Resource(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Clippy","active":true}"""), HttpStatusCode.Created)["id"]!;

        Resource(await client.PatchAsync("Agents/" + id, $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"active","value":false}]}"""), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Agents/" + id)).Status);

        var changes = await seen.WaitForAsync(3);
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Deactivated, ScimChangeKind.Deleted], changes.Select(c => c.Kind));
        Assert.All(changes, c => Assert.Equal(("Agent", id), (c.ResourceType, c.ResourceId)));
    }

    /// <summary>
    /// A deleted user, group or agent is let go by what referred to it, as a group lets go of a
    /// deleted member: an agent's <c>owners</c> and <c>parent</c>, an application's <c>agents</c>.
    /// Each holder is changed as by a PATCH (a new version, a change event); the others keep theirs.
    /// </summary>
    [Fact]
    public async Task Delete_OfAReferencedResource_ItsHoldersLetGoOfIt()
    {
        var seen = new Events();
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s =>
        {
            s.Services.AddSingleton(seen);
            s.AddAgents().AddEventSubscriber<Events.Subscriber>();
        });
        var client = server.Client();
        var ada = (string)(await client.CreateUserAsync("ada"))["id"]!;
        var grace = (string)(await client.CreateUserAsync("grace"))["id"]!;
        var team = (string)(await client.CreateGroupAsync("team"))["id"]!;
        string Agent(string name, string extra) =>
            $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"{{name}}"{{extra}} }""";
        var root = (string)Resource(await client.PostAsync("Agents", Agent("root", "")), HttpStatusCode.Created)["id"]!;
        var bot = (string)Resource(await client.PostAsync("Agents", Agent("bot", $$""","parent":{"value":"{{root}}"},"owners":[{"value":"{{ada}}"},{"value":"{{team}}"}]""")), HttpStatusCode.Created)["id"]!;
        var other = Resource(await client.PostAsync("Agents", Agent("other", $$""","owners":[{"value":"{{grace}}"}]""")), HttpStatusCode.Created);
        var portal = (string)Resource(await client.PostAsync("AgenticApplications", $$"""{"schemas":["{{ScimAgents.AgenticApplicationSchema}}"],"name":"portal","agents":[{"value":"{{bot}}"},{"value":"{{root}}"}]}"""), HttpStatusCode.Created)["id"]!;
        var before = Resource(await client.GetAsync("Agents/" + bot), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Users/" + ada)).Status);
        var afterUser = Resource(await client.GetAsync("Agents/" + bot), HttpStatusCode.OK);
        Assert.Equal([team], afterUser["owners"]!.AsArray().Select(o => (string?)o!["value"]));
        Assert.NotEqual((string?)before["meta"]!["version"], (string?)afterUser["meta"]!["version"]);
        Assert.Equal(root, (string?)afterUser["parent"]!["value"]);
        var untouched = Resource(await client.GetAsync("Agents/" + (string)other["id"]!), HttpStatusCode.OK);
        Assert.Equal((string?)other["meta"]!["version"], (string?)untouched["meta"]!["version"]);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Groups/" + team)).Status);
        Assert.Null(Resource(await client.GetAsync("Agents/" + bot), HttpStatusCode.OK)["owners"]);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Agents/" + root)).Status);
        Assert.Null(Resource(await client.GetAsync("Agents/" + bot), HttpStatusCode.OK)["parent"]);
        Assert.Equal([bot], Resource(await client.GetAsync("AgenticApplications/" + portal), HttpStatusCode.OK)["agents"]!.AsArray().Select(a => (string?)a!["value"]));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Agents/" + bot)).Status);
        Assert.Null(Resource(await client.GetAsync("AgenticApplications/" + portal), HttpStatusCode.OK)["agents"]);
        List(await client.GetAsync("Agents?filter=" + Uri.EscapeDataString($"owners.value eq \"{ada}\" or owners.value eq \"{team}\"")), totalResults: 0);

        // The holders' changes were told as changes of their own, after each delete.
        var changes = await seen.WaitForAsync(16);
        var botChanges = changes.Where(c => c.ResourceId == bot && c.Kind == ScimChangeKind.Patched).ToList();
        Assert.Equal(3, botChanges.Count); // owners twice, parent once
        Assert.Equal(2, changes.Count(c => c.ResourceId == portal && c.Kind == ScimChangeKind.Patched));
        Assert.DoesNotContain(changes, c => c.ResourceId == (string)other["id"]! && c.Kind == ScimChangeKind.Patched);
    }

    /// <summary>
    /// Across types, a comparison that does not apply to a type (an agent's <c>name</c> is a
    /// string, a user's a complex attribute) is, for that type, one on an unassigned attribute:
    /// each type answers its own part of the filter.
    /// </summary>
    [Fact]
    public async Task RootSearch_ComparisonThatAppliesToSomeTypes_EachTypeAnswersItsPart()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        var alice = (string)(await client.CreateUserAsync("alice", "\"name\":{\"givenName\":\"Grace\"}"))["id"]!;
        var bot = (string)Resource(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"rs-bot"}"""), HttpStatusCode.Created)["id"]!;
        static string Search(string filter) => new JsonObject { ["filter"] = filter }.ToJsonString();

        Assert.Equal([alice, bot], Ids(List(await client.PostAsync(".search", Search("name ew \"-bot\" or userName eq \"alice\"")), totalResults: 2)));
        Assert.Equal([alice, bot], Ids(List(await client.PostAsync(".search", Search("name.givenName eq \"Grace\" or name eq \"rs-bot\"")), totalResults: 2)));
        Assert.Equal([bot], Ids(List(await client.PostAsync(".search", Search("name sw \"rs\"")), totalResults: 1)));
        Error(await client.PostAsync(".search", Search("userName.first eq \"x\" or nosuch pr")), HttpStatusCode.BadRequest, "invalidFilter");
    }

    /// <summary>A reference's <c>$ref</c> is the service's URI of what it names: one a client sends is not kept (in POST, PUT or PATCH).</summary>
    [Fact]
    public async Task ReferenceRef_FromTheClient_IsNotKept()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        var owner = (string)(await client.CreateUserAsync("ada"))["id"]!;
        var planted = $$"""[{"value":"{{owner}}","$ref":"http://evil.example/Users/x","display":"Ada"}]""";

        var created = Resource(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"bot","owners":{{planted}} }"""), HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Resource(await client.PutAsync("Agents/" + id, $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"bot","owners":{{planted}} }"""), HttpStatusCode.OK);
        Resource(await client.PatchAsync("Agents/" + id, $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"owners","value":{{planted}} }]}"""), HttpStatusCode.OK);

        var read = Resource(await client.GetAsync("Agents/" + id), HttpStatusCode.OK);
        Assert.DoesNotContain("evil", created.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("evil", read.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal((owner, "Ada"), ((string?)read["owners"]![0]!["value"], (string?)read["owners"]![0]!["display"]));
    }

    /// <summary>A parent names an agent up a hierarchy: a parent that leads back to the agent, however far up, is refused.</summary>
    [Fact]
    public async Task Parent_ThatWouldMakeACycle_IsRefused()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        string Agent(string name, string? parent)
        {
            var link = parent is null ? "" : $$""","parent":{"value":"{{parent}}"} """;
            return $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"{{name}}"{{link}} }""";
        }

        var a = (string)Resource(await client.PostAsync("Agents", Agent("a", null)), HttpStatusCode.Created)["id"]!;
        var b = (string)Resource(await client.PostAsync("Agents", Agent("b", a)), HttpStatusCode.Created)["id"]!;
        var c = (string)Resource(await client.PostAsync("Agents", Agent("c", b)), HttpStatusCode.Created)["id"]!;
        string SetParent(string parent) => $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"parent","value":{"value":"{{parent}}"} } ] }""";

        Error(await client.PatchAsync("Agents/" + a, SetParent(b)), HttpStatusCode.BadRequest, "invalidValue");
        Error(await client.PatchAsync("Agents/" + a, SetParent(c)), HttpStatusCode.BadRequest, "invalidValue");
        Error(await client.PutAsync("Agents/" + a, Agent("a", c)), HttpStatusCode.BadRequest, "invalidValue");
        Error(await client.PatchAsync("Agents/" + a, SetParent(a)), HttpStatusCode.BadRequest, "invalidValue");
        Assert.Null(Resource(await client.GetAsync("Agents/" + a), HttpStatusCode.OK)["parent"]);

        // Moving a branch elsewhere in the tree is fine: c under a directly, then b under c.
        Assert.Equal(a, (string?)Resource(await client.PatchAsync("Agents/" + c, SetParent(a)), HttpStatusCode.OK)["parent"]!["value"]);
        Assert.Equal(c, (string?)Resource(await client.PatchAsync("Agents/" + b, SetParent(c)), HttpStatusCode.OK)["parent"]!["value"]);
        Error(await client.PatchAsync("Agents/" + c, SetParent(b)), HttpStatusCode.BadRequest, "invalidValue");
    }

    [Fact]
    public async Task BadInput_ScimErrors_NothingWritten()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        Resource(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Clippy 2.0"}"""), HttpStatusCode.Created);

        Error(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"agentType":"Assistant"}"""), HttpStatusCode.BadRequest, "invalidValue");
        Error(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"clippy 2.0"}"""), HttpStatusCode.Conflict, "uniqueness");
        Error(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Orphan","owners":[{"value":"no-such-user"}]}"""), HttpStatusCode.BadRequest, "invalidValue");
        Error(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Lost","parent":{"value":"no-such-agent"} }"""), HttpStatusCode.BadRequest, "invalidValue");
        Error(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Typed","active":"sometimes"}"""), HttpStatusCode.BadRequest, "invalidValue");
        Error(await client.PostAsync("AgenticApplications", $$"""{"schemas":["{{ScimAgents.AgenticApplicationSchema}}"],"name":"Portal","agents":[{"value":"no-such-agent"}]}"""), HttpStatusCode.BadRequest, "invalidValue");

        List(await client.GetAsync("Agents"), totalResults: 1);
        List(await client.GetAsync("AgenticApplications"), totalResults: 0);
    }

    [Fact]
    public async Task Groups_ListAgentsAsMembers_TheAgentShowsItsGroups_DeletingItLeavesTheGroup()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        var user = (string)(await client.CreateUserAsync("ada"))["id"]!;
        var agent = (string)Resource(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Clippy"}"""), HttpStatusCode.Created)["id"]!;

        var group = await client.CreateGroupAsync("AI clippers", user, agent);
        var groupId = (string)group["id"]!;
        Assert.Equal(new[] { agent, user }.Order(StringComparer.Ordinal), MemberIds(group).Order(StringComparer.Ordinal));
        Assert.Equal("Agent", (string?)group["members"]!.AsArray().Single(m => (string?)m!["value"] == agent)!["type"]);

        var read = Resource(await client.GetAsync("Agents/" + agent), HttpStatusCode.OK);
        var groups = read["groups"]!.AsArray();
        Assert.Equal(groupId, (string?)groups.Single()!["value"]);
        Assert.Equal("direct", (string?)groups[0]!["type"]);
        Assert.Equal(groupId, (string?)List(await client.GetAsync("Agents?attributes=groups"))["Resources"]![0]!["groups"]![0]!["value"]);

        // groups is read-only on the agent: a client's value is ignored, as a user's is.
        var put = Resource(await client.PutAsync("Agents/" + agent, $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Clippy","groups":[{"value":"elsewhere"}]}"""), HttpStatusCode.OK);
        Assert.Equal(groupId, (string?)put["groups"]!.AsArray().Single()!["value"]);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Agents/" + agent)).Status);
        Assert.Equal([user], MemberIds(Resource(await client.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Groups_WithAgentsInGroupsOff_RefuseAnAgentMember()
    {
        await using var server = await StartAsync(o => o.AgentsInGroups = false);
        var client = server.Client();
        var agent = (string)Resource(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Clippy"}"""), HttpStatusCode.Created)["id"]!;

        Error(await client.PostAsync("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":[{"value":"{{agent}}"}]}"""), HttpStatusCode.BadRequest, "invalidValue");
        Assert.Null(Resource(await client.GetAsync("Agents/" + agent), HttpStatusCode.OK)["groups"]);
    }

    [Fact]
    public async Task AbbeyExamples_MinimalAgentRepresentation_ReplaysAsACreate()
    {
        await using var server = await StartAsync();
        var client = server.Client();

        // §5.1.4.1, "Minimal Agent Representation", sent as it is: id and meta are read-only and ignored.
        var created = Resource(await client.PostAsync("Agents", """
            {
               "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Agent"],
               "id": "2819c223-7f76-453a-919d-413861904646",
               "name": "Clippy 2.0",
               "meta": {
                  "resourceType": "Agent",
                  "created": "2010-01-23T04:56:22Z",
                  "lastModified": "2011-05-13T04:42:34Z",
                  "version": "W\/\"3694e05e9dff590\"",
                  "location": "https://example.com/v2/Agents/2819c223-7f76-453a-919d-413861904646"
               }
            }
            """), HttpStatusCode.Created);

        Assert.Equal(["urn:ietf:params:scim:schemas:core:2.0:Agent"], created["schemas"]!.AsArray().Select(s => (string?)s));
        Assert.Equal("Clippy 2.0", (string?)created["name"]);
        Assert.NotEqual("2819c223-7f76-453a-919d-413861904646", (string?)created["id"]);
        Assert.Equal("Agent", (string?)created["meta"]!["resourceType"]);
        Assert.Equal(["id", "meta", "name", "schemas"], created.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AbbeyExamples_FullAgentRepresentation_ReplaysAsACreate_WithItsReferencesMadeFirst()
    {
        await using var server = await StartAsync();
        var client = server.Client();

        // The example's owner (a group), parent (an agent) and application exist first; their ids are the service's.
        var usEmployees = (string)(await client.CreateGroupAsync("US Employees"))["id"]!;
        var clippy1 = (string)Resource(await client.PostAsync("Agents", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Agent"],"name":"Clippy 1.0"}"""), HttpStatusCode.Created)["id"]!;

        // §5.1.4.2, "Full Agent Representation", with the draft's two typos mended ("type: " and "protocols: " lack a closing quote).
        var body = JsonNode.Parse(FullAgentExample)!.AsObject();
        body["owners"]![0]!["value"] = usEmployees;
        body["parent"]!["value"] = clippy1;
        var created = Resource(await client.PostAsync("Agents", body.ToJsonString()), HttpStatusCode.Created);

        var example = JsonNode.Parse(FullAgentExample)!.AsObject();
        foreach (var attribute in new[] { "externalId", "name", "active", "agentType", "x509Certificates", "entitlements", "roles", "subject", "protocols" })
        {
            Assert.True(JsonNode.DeepEquals(example[attribute], created[attribute]), $"{attribute}: {created[attribute]?.ToJsonString()} against the example's {example[attribute]?.ToJsonString()}");
        }

        Assert.Equal(usEmployees, (string?)created["owners"]![0]!["value"]);
        Assert.Equal(clippy1, (string?)created["parent"]!["value"]);

        // groups and applications are read-only: the example's values are not the client's to set.
        Assert.Null(created["groups"]);
        Assert.Null(created["applications"]);
    }

    [Fact]
    public async Task AgenticApplication_CreateListsItsAgents_FilterByUrl()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        var agent = (string)Resource(await client.PostAsync("Agents", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Agent"],"name":"Clippy 2.0"}"""), HttpStatusCode.Created)["id"]!;

        var app = Resource(await client.PostAsync("AgenticApplications", $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:AgenticApplication"],"externalId":"app-123456","name":"AI Assistant Platform","active":true,
             "applicationUrls":[{"type":"homepage","primary":true,"value":"https://assistant.example.com"}],
             "oAuthConfiguration":[{"clientId":"s6BhdRkqt3","issuerUri":"https://idp.example.com","redirectUri":["https://assistant.example.com/cb","https://assistant.example.com/cb2"]}],
             "agents":[{"value":"{{agent}}","display":"Clippy 2.0","type":"owned"}]}
            """), HttpStatusCode.Created);

        Assert.Equal(agent, (string?)app["agents"]![0]!["value"]);
        Assert.Equal(2, app["oAuthConfiguration"]![0]!["redirectUri"]!.AsArray().Count);

        // §5.2.2: equality on name, externalId and applicationUrls.value.
        foreach (var filter in new[] { "name eq \"AI Assistant Platform\"", "externalId eq \"app-123456\"", "applicationUrls.value eq \"https://assistant.example.com\"" })
        {
            Assert.Equal([(string)app["id"]!], Ids(List(await client.GetAsync("AgenticApplications?filter=" + Uri.EscapeDataString(filter)), totalResults: 1)));
        }
    }

    [Fact]
    public async Task Applications_OfAnAgent_AreDerivedFromTheApplicationsThatListIt()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        var agent = (string)Resource(await client.PostAsync("Agents", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Agent"],"name":"Clippy 2.0"}"""), HttpStatusCode.Created)["id"]!;
        var other = (string)Resource(await client.PostAsync("Agents", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Agent"],"name":"Clippy 1.0"}"""), HttpStatusCode.Created)["id"]!;
        Assert.Null(Resource(await client.GetAsync("Agents/" + agent), HttpStatusCode.OK)["applications"]);

        var portal = Resource(await client.PostAsync("AgenticApplications", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:AgenticApplication"],"name":"portal","displayName":"Clippy portal","agents":[{"value":"{{agent}}","type":"owned"}]}"""), HttpStatusCode.Created);
        var portalId = (string)portal["id"]!;

        var read = Resource(await client.GetAsync("Agents/" + agent), HttpStatusCode.OK);
        var application = Assert.Single(read["applications"]!.AsArray())!;
        Assert.Equal(portalId, (string?)application["value"]);
        Assert.Equal("Clippy portal", (string?)application["display"]);
        Assert.EndsWith("/AgenticApplications/" + portalId, (string?)application["$ref"], StringComparison.Ordinal);
        var page = List(await client.GetAsync("Agents?sortBy=name"), totalResults: 2);
        Assert.Null(page["Resources"]![0]!["applications"]); // Clippy 1.0 is in no application
        Assert.Equal(portalId, (string?)page["Resources"]![1]!["applications"]![0]!["value"]);
        Assert.Null(List(await client.GetAsync("Agents?excludedAttributes=applications&filter=" + Uri.EscapeDataString("name eq \"Clippy 2.0\"")))["Resources"]![0]!["applications"]);

        // The relation is the application's to change: moving it to the other agent moves the derived value.
        Resource(await client.PatchAsync("AgenticApplications/" + portalId, $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"agents","value":[{"value":"{{other}}"}]}]}"""), HttpStatusCode.OK);
        Assert.Null(Resource(await client.GetAsync("Agents/" + agent), HttpStatusCode.OK)["applications"]);
        Assert.Equal(portalId, (string?)Resource(await client.GetAsync("Agents/" + other), HttpStatusCode.OK)["applications"]![0]!["value"]);
    }

    [Fact]
    public async Task Wzdk_AgentUserNameIsTheName_OwnersAreUsers()
    {
        await using var server = await StartAsync(o => o.Draft = AgentDraft.Wzdk00);
        var client = server.Client();
        var owner = (string)(await client.CreateUserAsync("ada"))["id"]!;
        var group = (string)(await client.CreateGroupAsync("team"))["id"]!;

        var created = Resource(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"externalId":"agent-42","agentUserName":"support-agent","displayName":"Support Agent","active":true,"owners":[{"value":"{{owner}}"}]}"""), HttpStatusCode.Created);

        Assert.Equal("support-agent", (string?)created["agentUserName"]);
        Error(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"agentUserName":"SUPPORT-AGENT"}"""), HttpStatusCode.Conflict, "uniqueness");
        Error(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Clippy"}"""), HttpStatusCode.BadRequest, "invalidSyntax");
        Error(await client.PostAsync("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"agentUserName":"x","owners":[{"value":"{{group}}"}]}"""), HttpStatusCode.BadRequest, "invalidValue");
        var schema = (await client.GetAsync("Schemas/" + ScimAgents.AgentSchema)).Json;
        Assert.Contains("agentUserName", schema["attributes"]!.AsArray().Select(a => (string?)a!["name"]));
        Assert.DoesNotContain("agentType", schema["attributes"]!.AsArray().Select(a => (string?)a!["name"]));
    }

    [Fact]
    public async Task Discovery_WithAgents_ListsThemAndTheAgentExtension()
    {
        await using var server = await StartAsync();
        var client = server.Client();

        var names = List(await client.GetAsync("ResourceTypes"))["Resources"]!.AsArray().Select(t => (string?)t!["name"]).ToList();
        Assert.Contains("Agent", names);
        Assert.Contains("AgenticApplication", names);
        var config = (await client.GetAsync("ServiceProviderConfig")).Json;
        Assert.True((bool)config["agentExtension"]!["supported"]!);
        Assert.True((bool)config["agentExtension"]!["agentsSupported"]!);
        Assert.True((bool)config["agentExtension"]!["agenticApplicationsSupported"]!);
        var group = (await client.GetAsync("Schemas/urn:ietf:params:scim:schemas:core:2.0:Group")).Json;
        var memberType = group["attributes"]!.AsArray().Single(a => (string?)a!["name"] == "members")!["subAttributes"]!.AsArray().Single(s => (string?)s!["name"] == "type")!;
        Assert.Equal(["User", "Group", "Agent"], memberType["canonicalValues"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Schemas/" + ScimAgents.AgenticApplicationSchema)).Status);
    }

    [Fact]
    public async Task Discovery_WithoutAgents_NothingAboutThemIsAdvertisedOrServed()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        foreach (var document in new[] { "ResourceTypes", "Schemas", "ServiceProviderConfig" })
        {
            var text = (await client.GetAsync(document)).Text;
            Assert.DoesNotContain("Agent", text, StringComparison.Ordinal);
            Assert.DoesNotContain("agent", text, StringComparison.Ordinal);
        }

        Error(await client.GetAsync("Agents"), HttpStatusCode.NotFound);
        Error(await client.PostAsync("AgenticApplications", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:AgenticApplication"],"name":"x"}"""), HttpStatusCode.NotFound);
        Error(await client.GetAsync("Schemas/" + ScimAgents.AgentSchema), HttpStatusCode.NotFound);
    }

    [Fact]
    public void AddAgents_Twice_FailsAtRegistration()
    {
        var builder = new ServiceCollection().AddScimCore().AddAgents();

        Assert.Throws<InvalidOperationException>(() => builder.AddAgents());
    }

    /// <summary>The changes the host was told of, in order.</summary>
    private sealed class Events
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<ScimChangeEvent> _changes = new();

        public async Task<List<ScimChangeEvent>> WaitForAsync(int count)
        {
            for (var i = 0; i < 200 && _changes.Count < count; i++)
            {
                await Task.Delay(25, TestContext.Current.CancellationToken);
            }

            return [.. _changes];
        }

        public sealed class Subscriber(Events events) : IScimEventSubscriber
        {
            public Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
            {
                events._changes.Enqueue(change);
                return Task.CompletedTask;
            }
        }
    }

    // draft-abbey-scim-agent-extension-00 §5.1.4.2, with the certificate on one line and two typos mended.
    private const string FullAgentExample = """
        {
         "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Agent"],
         "id": "2819c223-7f76-453a-919d-413861904646",
         "externalId": "clpy2001",
         "name": "Clippy 2.0",
         "active":true,
         "agentType": "Assistant",
         "groups": [
            {
               "value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
               "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
               "display": "The next generation"
            }
         ],
         "x509Certificates": [
         {
            "value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMxEzARBgNVBAgMCkNhbGlmb3JuaWExFDASBgNVBAoMC2V4YW1wbGUuY29tMRQwEgYDVQQDDAtleGFtcGxlLmNvbTAeFw0xMTEwMjIwNjI0MzFaFw0xMjEwMDQwNjI0MzFa"
         }
         ],
         "entitlements": [{
            "value": "write",
            "display": "Write permission",
            "type": "permission",
            "primary": true
         }],
         "roles": [{
            "value": "administrator",
            "display": "Administrator",
            "type": "permission",
            "primary": true
         }],
         "applications": [{
            "value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
            "$ref": "https://example.com/v2/AgenticApplications/e9e30dba-f08f-4109-8486-d5c6a331660a",
            "display": "Clippy portal",
            "type": "Web"
         }],
         "subject": "clpy2001",
         "protocols": [{
            "type": "A2A",
            "specificationUrl": "https://example.com/v2/Agents/2819c223-7f76-453a-919d-413861904646/.well-known/agent-card.json"
         }],
         "owners": [{
            "value": "71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7",
            "$ref": "../Groups/71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7",
            "display": "US Employees"
         }],
         "parent": {
            "value": "71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7",
            "$ref": "https://example.com/v2/Agents/71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7",
            "display": "Clippy 1.0"
         },
         "meta": {
            "resourceType": "Agent",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z",
            "version": "W\/\"3694e05e9dff590\"",
            "location": "https://example.com/v2/Agents/2819c223-7f76-453a-919d-413861904646"
         }
        }
        """;
}
