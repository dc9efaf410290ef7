using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Scim.Sample.Tests;

/// <summary>The sample with <c>--Sample:Agents=true</c>: the README's agent walk-through against the real process, and its option checks.</summary>
public sealed class SampleAgentsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DotnetRun_Agents_WalkThrough_OnTheSqliteFile_KeptAcrossARestart()
    {
        var contentRoot = SampleProcess.NewContentRoot();
        string agent, user, group;
        await using (var sample = await SampleProcess.StartAsync("--contentRoot", contentRoot, "--Sample:Token=agents-token", "--Sample:Agents=true"))
        {
            using var client = Client(sample);
            Assert.Contains("\"agentExtension\"", await (await client.GetAsync("ServiceProviderConfig", Ct)).Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

            // The README's steps: a user, an agent, the agent linked to its owner, deactivated.
            user = (string)(await SendAsync(client, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com"}""", HttpStatusCode.Created))["id"]!;
            agent = (string)(await SendAsync(client, HttpMethod.Post, "Agents", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Agent"],"name":"Helpdesk bot","agentType":"Assistant","active":true}""", HttpStatusCode.Created))["id"]!;
            var owned = await SendAsync(client, HttpMethod.Patch, "Agents/" + agent, $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"owners","value":[{"value":"{{user}}","display":"Ada"}]}]}""", HttpStatusCode.OK);
            Assert.Equal(user, (string?)owned["owners"]![0]!["value"]);
            var deactivated = await SendAsync(client, HttpMethod.Patch, "Agents/" + agent, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""", HttpStatusCode.OK);
            Assert.False((bool)deactivated["active"]!);

            // A group of the database lists the agent (its membership row refers to the agent's row).
            group = (string)(await SendAsync(client, HttpMethod.Post, "Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Bots","members":[{"value":"{{agent}}"}]}""", HttpStatusCode.Created))["id"]!;
        }

        await using var again = await SampleProcess.StartAsync("--contentRoot", contentRoot, "--Sample:Token=agents-token", "--Sample:Agents=true");
        using var second = Client(again);
        var list = await SendAsync(second, HttpMethod.Get, "Agents?filter=" + Uri.EscapeDataString($"owners.value eq \"{user}\" and active eq false"), null, HttpStatusCode.OK);
        Assert.Equal(agent, (string?)list["Resources"]![0]!["id"]);
        Assert.Equal(group, (string?)list["Resources"]![0]!["groups"]![0]!["value"]);
        var members = (await SendAsync(second, HttpMethod.Get, "Groups/" + group, null, HttpStatusCode.OK))["members"]!;
        Assert.Equal((agent, "Agent"), ((string?)members[0]!["value"], (string?)members[0]!["type"]));

        // Deleting the agent takes it out of the group.
        await SendAsync(second, HttpMethod.Delete, "Agents/" + agent, null, HttpStatusCode.NoContent);
        Assert.Empty((await SendAsync(second, HttpMethod.Get, "Groups/" + group, null, HttpStatusCode.OK))["members"]?.AsArray() ?? []);
    }

    [Fact]
    public async Task DotnetRun_AgentsInMemory_AGroupListsAnAgent_TheAgentShowsItsGroup()
    {
        await using var sample = await SampleProcess.StartAsync("--Sample:Store=memory", "--Sample:Agents=true");
        using var client = Client(sample);
        var agent = (string)(await SendAsync(client, HttpMethod.Post, "Agents", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Agent"],"name":"Helpdesk bot"}""", HttpStatusCode.Created))["id"]!;

        var group = (string)(await SendAsync(client, HttpMethod.Post, "Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Bots","members":[{"value":"{{agent}}"}]}""", HttpStatusCode.Created))["id"]!;

        var read = await SendAsync(client, HttpMethod.Get, "Agents/" + agent, null, HttpStatusCode.OK);
        Assert.Equal(group, (string?)read["groups"]![0]!["value"]);
    }

    [Fact]
    public async Task DotnetRun_AgentsOff_NothingAboutThemIsServed()
    {
        await using var sample = await SampleProcess.StartAsync("--Sample:Store=memory");
        using var client = Client(sample);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("Agents", Ct)).StatusCode);
        Assert.DoesNotContain("agent", await (await client.GetAsync("ServiceProviderConfig", Ct)).Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("--Sample:Agents=yes", "Sample:Agents must be true or false")]
    [InlineData("--Sample:Agents=true --Sample:AgentDraft=draft-01", "Sample:AgentDraft must be abbey-00 or wzdk-00")]
    [InlineData("--Sample:AgentDraft=wzdk-00", "Sample:AgentDraft has no use without Sample:Agents=true")]
    public async Task DotnetRun_InvalidAgentOptions_ExitWithMessage(string options, string message)
    {
        var (exitCode, output) = await SampleProcess.RunToExitAsync(options.Split(' '));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    private static HttpClient Client(SampleProcess sample)
    {
        var client = new HttpClient { BaseAddress = new Uri(sample.BaseUrl + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sample.Token);
        return client;
    }

    private static async Task<JsonObject> SendAsync(HttpClient client, HttpMethod method, string path, string? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/scim+json");
        }

        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }
}
