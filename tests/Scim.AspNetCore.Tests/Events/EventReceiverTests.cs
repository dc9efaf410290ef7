using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scim.AspNetCore.Events;
using Scim.Core.Provisioning;
using Scim.Tests.Receivers;

namespace Scim.AspNetCore.Tests.Events;

/// <summary>
/// SETs (RFC 8417 / RFC 9967) pushed to a real receiver over HTTP (RFC 8935) and collected by polling
/// (RFC 8936), from a host on the in-memory stores: their claims, their signatures checked with the
/// published key, order per resource, retries while a receiver is down, dead letters and replay.
/// </summary>
public sealed class EventReceiverTests
{
    private const string Issuer = "https://scim.example.com";
    private const string PollToken = "poll-receiver-token-7f3a";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string Deactivate = """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Push_EveryKindOfChange_ArrivesAsASignedSetWithRfc9967Events()
    {
        await using var receiver = await SetReceiver.StartAsync();
        await using var server = await StartAsync(o => o.AddPushReceiver("hr", receiver.Endpoint, "https://hr.example.com", r => r.Authorization = "Bearer push-secret"));
        var client = server.Client();

        var user = await client.CreateUserAsync("ada@example.com", "\"externalId\":\"ext-ada\",\"password\":\"S3cret!pass\"");
        var id = (string)user["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync("Users/" + id, Deactivate)).Status);
        var group = await client.CreateGroupAsync("Engineering", id);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Users/" + id)).Status);
        await receiver.WaitUntilAsync(sets => sets.Count >= 5, Patience);

        var sets = receiver.Accepted;
        var jwks = await (await server.Client("", null).Http.GetAsync(new Uri(server.Root, ".well-known/scim-events/jwks.json"), Ct)).Content.ReadAsStringAsync(Ct);
        foreach (var set in sets)
        {
            var validation = await SetReceiver.ValidateAsync(set.Token, jwks, Issuer, "https://hr.example.com");
            Assert.True(validation.IsValid, validation.Exception?.Message);
            Assert.Equal("secevent+jwt", (string?)set.Header["typ"]);
            Assert.Equal("application/secevent+jwt", set.ContentType);
            Assert.Equal("Bearer push-secret", set.Authorization);
            Assert.Null(set.Claims["exp"]);
            Assert.Null(set.Claims["sub"]);
            Assert.Equal("default", (string?)set.Claims["scim_audit"]!["tenant"]);
            Assert.Equal("default-client", (string?)set.Claims["scim_audit"]!["actor"]);
            Assert.DoesNotContain("S3cret", set.Claims.ToJsonString(), StringComparison.Ordinal);
        }

        var userSets = sets.Where(s => s.SubjectUri == "/Users/" + id).ToList();
        Assert.Equal(
            [
                ["urn:ietf:params:scim:event:prov:create:notice"],
                ["urn:ietf:params:scim:event:prov:patch:notice", "urn:ietf:params:scim:event:prov:deactivate"],
                ["urn:ietf:params:scim:event:prov:delete"],
            ],
            userSets.Select(s => s.EventUris.ToArray()).ToArray());
        var created = userSets[0].Claims;
        Assert.Equal("scim", (string?)created["sub_id"]!["format"]);
        Assert.Equal(id, (string?)created["sub_id"]!["id"]);
        Assert.Equal("ext-ada", (string?)created["sub_id"]!["externalId"]);
        var attributes = created["events"]!["urn:ietf:params:scim:event:prov:create:notice"]!["attributes"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("userName", attributes);
        Assert.Contains("password", attributes); // the name of a changed secret, never its value
        var patch = userSets[1].Claims["events"]!["urn:ietf:params:scim:event:prov:patch:notice"]!;
        Assert.Equal(["active"], patch["attributes"]!.AsArray().Select(a => (string)a!));
        Assert.False(string.IsNullOrEmpty((string?)patch["version"]));
        Assert.Equal("POST", (string?)created["scim_audit"]!["method"]);

        // The user's delete and the group it left share the delete's transaction.
        var groupSets = sets.Where(s => s.SubjectUri == "/Groups/" + (string)group["id"]!).ToList();
        Assert.Equal(2, groupSets.Count);
        Assert.Equal(["urn:ietf:params:scim:event:prov:patch:notice"], groupSets[1].EventUris);
        Assert.Equal((string?)userSets[2].Claims["txn"], (string?)groupSets[1].Claims["txn"]);
        Assert.NotEqual((string?)userSets[0].Claims["txn"], (string?)userSets[1].Claims["txn"]);
        Assert.Equal(sets.Count, sets.Select(s => s.Jti).Distinct().Count());
    }

    [Fact]
    public async Task Push_FullEvents_CarryTheResourceOrTheEquivalentPatch_NeverThePassword()
    {
        await using var receiver = await SetReceiver.StartAsync();
        await using var server = await StartAsync(o => o.AddPushReceiver("full", receiver.Endpoint, "aud-full", r => r.FullEvents = true));
        var client = server.Client();

        var id = (string)(await client.CreateUserAsync("grace@example.com", "\"password\":\"Hunter2!x\",\"title\":\"Admiral\""))["id"]!;
        await client.PatchAsync("Users/" + id, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Rear Admiral"},{"op":"remove","path":"nickName"},{"op":"add","path":"displayName","value":"Grace"}]}""");
        await client.PutAsync("Users/" + id, $$"""{"schemas":["{{UserSchema}}"],"userName":"grace@example.com","active":false}""");
        await receiver.WaitUntilAsync(sets => sets.Count >= 3, Patience);
        var sets = receiver.Accepted;

        var create = sets[0].Claims["events"]!["urn:ietf:params:scim:event:prov:create:full"]!["data"]!;
        Assert.Equal(id, (string?)create["id"]);
        Assert.Equal("Admiral", (string?)create["title"]);
        Assert.Null(create["password"]);

        var patch = sets[1].Claims["events"]!["urn:ietf:params:scim:event:prov:patch:full"]!["data"]!;
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:PatchOp", (string?)patch["schemas"]![0]);
        var operations = patch["Operations"]!.AsArray().Select(o => ((string)o!["op"]!, (string)o["path"]!, (string?)o["value"])).ToHashSet();
        Assert.Contains(("replace", "title", "Rear Admiral"), operations);
        Assert.Contains(("replace", "displayName", "Grace"), operations);

        Assert.Equal(["urn:ietf:params:scim:event:prov:put:full", "urn:ietf:params:scim:event:prov:deactivate"], sets[2].EventUris);
        var put = sets[2].Claims["events"]!["urn:ietf:params:scim:event:prov:put:full"]!;
        Assert.False((bool)put["data"]!["active"]!);
        Assert.Null(put["data"]!["title"]);
        Assert.Equal((string?)put["version"], (string?)put["data"]!["meta"]!["version"]);
    }

    [Fact]
    public async Task Push_ReceiverDownForAWhile_GetsEverythingInOrderPerResourceWhenBack()
    {
        await using var receiver = await SetReceiver.StartAsync();
        receiver.Mode = SetReceiverMode.Unavailable;
        await using var server = await StartAsync(o => o.AddPushReceiver("down", receiver.Endpoint, "aud"), fastRetries: true);
        var client = server.Client();

        var ids = new List<string>();
        for (var u = 0; u < 3; u++)
        {
            ids.Add((string)(await client.CreateUserAsync($"user{u}@example.com"))["id"]!);
        }

        var expectedTitles = new Dictionary<string, List<string>>();
        for (var round = 0; round < 4; round++)
        {
            foreach (var id in ids)
            {
                var title = $"t{round}";
                await client.PatchAsync("Users/" + id, $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"{{title}}"}]}""");
                (expectedTitles.TryGetValue(id, out var list) ? list : expectedTitles[id] = []).Add(title);
            }
        }

        await receiver.WaitUntilAsync(_ => receiver.All.Count >= 3, Patience); // it was tried while down
        Assert.Empty(receiver.Accepted);
        receiver.Mode = SetReceiverMode.Accept;
        await receiver.WaitUntilAsync(sets => sets.DistinctBy(s => s.Jti).Count() >= 15, TimeSpan.FromSeconds(20));

        foreach (var id in ids)
        {
            var versions = receiver.Distinct.Where(s => s.SubjectUri == "/Users/" + id).Select(s => s.EventUris[0]).ToList();
            Assert.Equal(["urn:ietf:params:scim:event:prov:create:notice", .. Enumerable.Repeat("urn:ietf:params:scim:event:prov:patch:notice", 4)], versions);
            var toes = receiver.Distinct.Where(s => s.SubjectUri == "/Users/" + id).Select(s => (long)s.Claims["toe"]!).ToList();
            Assert.Equal([.. toes.Order()], toes);
        }
    }

    [Fact]
    public async Task Push_RefusedWith400_IsDeadAtOnce_ListedWithTheReceiversError_AndReplayable()
    {
        await using var receiver = await SetReceiver.StartAsync();
        receiver.Mode = SetReceiverMode.Refuse;
        await using var server = await StartAsync(o => o.AddPushReceiver("strict", receiver.Endpoint, "aud"));
        var receivers = server.Services.GetRequiredService<ScimEventReceivers>();

        var id = (string)(await server.Client().CreateUserAsync("refused@example.com"))["id"]!;
        var dead = await WaitForAsync(() => receivers.ListDeadAsync("strict", cancellationToken: Ct), d => d.Count == 1);

        Assert.Single(receiver.All); // not retried: the receiver said no
        Assert.Contains("invalid_audience", dead[0].LastError, StringComparison.Ordinal);
        Assert.Contains(id, dead[0].Json, StringComparison.Ordinal);
        receiver.Mode = SetReceiverMode.Accept;
        Assert.Equal(1, await receivers.ReplayAsync("strict", cancellationToken: Ct));
        await receiver.WaitUntilAsync(sets => sets.Count == 1, Patience);
        Assert.Equal(dead[0].EventId, receiver.Accepted[0].Jti);
        Assert.Empty(await receivers.ListDeadAsync("strict", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => receivers.ListDeadAsync("nobody", cancellationToken: Ct));
    }

    [Fact]
    public async Task Push_TenantFilter_SendsOnlyThatTenantsChanges()
    {
        await using var receiver = await SetReceiver.StartAsync();
        await using var server = await StartAsync(o => o.AddPushReceiver("tenant-a", receiver.Endpoint, "aud", r => r.Tenants.Add("a")));

        await server.TenantClient("b", ScimTestServer.TokenB).CreateUserAsync("b-user@example.com");
        var a = (string)(await server.TenantClient("a", ScimTestServer.TokenA).CreateUserAsync("a-user@example.com"))["id"]!;
        await receiver.WaitUntilAsync(sets => sets.Count >= 1, Patience);
        await server.TenantClient("a", ScimTestServer.TokenA).DeleteAsync("Users/" + a);
        await receiver.WaitUntilAsync(sets => sets.Count >= 2, Patience);

        Assert.All(receiver.Accepted, s => Assert.Equal("a", (string?)s.Claims["scim_audit"]!["tenant"]));
        Assert.Equal(2, receiver.Accepted.Count);
    }

    [Fact]
    public async Task Poll_ReturnsWaitingSets_AckRemovesThem_UnackedComeBack_SetErrsAreDead()
    {
        // A lease long enough that a busy machine cannot end it between two polls; the test waits for its end once.
        await using var server = await StartAsync(o => o.AddPollReceiver("poller", "aud-poll", PollToken), fastRetries: true, lease: TimeSpan.FromSeconds(4));
        var client = server.Client();
        var first = (string)(await client.CreateUserAsync("p1@example.com"))["id"]!;
        var second = (string)(await client.CreateUserAsync("p2@example.com"))["id"]!;

        // The two SETs may be queued a moment apart, so one poll may return one of them (leasing
        // it): collect what the polls return until both have been seen.
        var seen = new Dictionary<string, string>();
        var polled = await WaitForAsync(
            async () =>
            {
                var poll = await PollAsync(server, """{"returnImmediately":true}""");
                foreach (var (jti, token) in poll.Sets)
                {
                    seen[jti] = token;
                }

                return (Sets: seen, poll.More);
            },
            p => p.Sets.Count == 2);
        Assert.Equal(2, polled.Sets.Count);
        Assert.False(polled.More);
        var jwks = await (await server.Client("", null).Http.GetAsync(new Uri(server.Root, ".well-known/scim-events/jwks.json"), Ct)).Content.ReadAsStringAsync(Ct);
        foreach (var (jti, token) in polled.Sets)
        {
            var validation = await SetReceiver.ValidateAsync(token, jwks, Issuer, "aud-poll");
            Assert.True(validation.IsValid, validation.Exception?.Message);
            Assert.Equal(jti, validation.Claims["jti"]);
        }

        var firstJti = polled.Sets.Single(s => s.Value.Length > 0 && Subject(s.Value) == "/Users/" + first).Key;
        var secondJti = polled.Sets.Single(s => Subject(s.Value) == "/Users/" + second).Key;

        // Taken and not acknowledged: not offered again while leased; then back once the lease ends.
        Assert.Empty((await PollAsync(server, $$"""{"returnImmediately":true,"ack":["{{firstJti}}"]}""")).Sets);
        var again = await WaitForAsync(() => PollAsync(server, """{"returnImmediately":true}"""), p => p.Sets.Count == 1);
        Assert.Equal(secondJti, again.Sets.Keys.Single());

        var errs = await PollAsync(server, """{"returnImmediately":true,"maxEvents":0,"setErrs":{""" + $"\"{secondJti}\"" + """:{"err":"invalid_key","description":"unknown kid"}}}""");
        Assert.Empty(errs.Sets);
        var dead = await server.Services.GetRequiredService<ScimEventReceivers>().ListDeadAsync("poller", cancellationToken: Ct);
        Assert.Equal(secondJti, Assert.Single(dead).EventId);
        Assert.Contains("invalid_key: unknown kid", dead[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_LongPoll_ReturnsAsSoonAsAChangeIsMade()
    {
        await using var server = await StartAsync(o => o.AddPollReceiver("poller", "aud-poll", PollToken), longPoll: TimeSpan.FromSeconds(20));
        var waiting = PollAsync(server, """{"maxEvents":10}""");
        await Task.Delay(300, Ct);
        Assert.False(waiting.IsCompleted);

        var id = (string)(await server.Client().CreateUserAsync("long@example.com"))["id"]!;
        var started = DateTimeOffset.UtcNow;
        var polled = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("/Users/" + id, Subject(Assert.Single(polled.Sets).Value));
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(null, "{}", HttpStatusCode.Unauthorized)]
    [InlineData("wrong-token", "{}", HttpStatusCode.Unauthorized)]
    [InlineData(PollToken, "[1]", HttpStatusCode.BadRequest)]
    [InlineData(PollToken, """{"maxEvents":-1}""", HttpStatusCode.BadRequest)]
    [InlineData(PollToken, """{"ack":"x"}""", HttpStatusCode.BadRequest)]
    [InlineData(PollToken, """{"setErrs":{"x":{"description":"no err"}}}""", HttpStatusCode.BadRequest)]
    [InlineData(PollToken, """{"returnImmediately":"yes"}""", HttpStatusCode.BadRequest)]
    [InlineData(PollToken, "{not json", HttpStatusCode.BadRequest)]
    [InlineData(PollToken, """{"ack":["\ud800"]}""", HttpStatusCode.BadRequest)]
    [InlineData(PollToken, """{"setErrs":{"\ud800":{"err":"x"}}}""", HttpStatusCode.BadRequest)]
    [InlineData(PollToken, """{"setErrs":{"a":{"err":"\ud800"}}}""", HttpStatusCode.BadRequest)]
    [InlineData(PollToken, """{"ack":["a\u0000b"]}""", HttpStatusCode.BadRequest)]
    [InlineData(PollToken, """{"maxEvents":0,"setErrs":{"a":{"err":"x\u0000"}}}""", HttpStatusCode.BadRequest)]
    public async Task Poll_BadTokenOrBody_IsRefusedWithTheRfcError(string? token, string body, HttpStatusCode expected)
    {
        await using var server = await StartAsync(o => o.AddPollReceiver("poller", "aud-poll", PollToken));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Root, "scim/events/poll")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await server.Client("", null).Http.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.BadRequest)
        {
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
            Assert.Equal("invalid_request", (string?)error["err"]);
            Assert.False(string.IsNullOrEmpty((string?)error["description"]));
        }
    }

    [Fact]
    public async Task Poll_BodyThatIsNotUtf8_IsRefusedWithTheRfcError()
    {
        // A byte that is no UTF-8 inside a string: the reader's InvalidOperationException was a 500.
        await using var server = await StartAsync(o => o.AddPollReceiver("poller", "aud-poll", PollToken));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Root, "scim/events/poll")) { Content = new ByteArrayContent([.. "{\"ack\":[\"a"u8, 0xFF, .. "\"]}"u8]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PollToken);

        using var response = await server.Client("", null).Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["err"]);
    }

    [Fact]
    public async Task Poll_MoreAvailable_OnlyWhenMoreAreWaiting()
    {
        // RFC 8936 §2.4: it said so whenever a poll returned as many as it asked for.
        await using var server = await StartAsync(o => o.AddPollReceiver("poller", "aud-poll", PollToken));
        var client = server.Client();
        await client.CreateUserAsync("one@example.com");
        var one = await WaitForAsync(() => PollAsync(server, """{"returnImmediately":true,"maxEvents":1}"""), p => p.Sets.Count == 1);
        Assert.False(one.More);

        await client.CreateUserAsync("two@example.com");
        await client.CreateUserAsync("three@example.com");
        var first = await WaitForAsync(() => PollAsync(server, $$"""{"returnImmediately":true,"maxEvents":1,"ack":["{{one.Sets.Keys.Single()}}"]}"""), p => p.Sets.Count == 1 && p.More);
        Assert.True(first.More);
        var second = await PollAsync(server, $$"""{"returnImmediately":true,"maxEvents":1,"ack":["{{first.Sets.Keys.Single()}}"]}""");
        Assert.Single(second.Sets);
        Assert.False(second.More);
        Assert.NotEqual(first.Sets.Keys.Single(), second.Sets.Keys.Single());
    }

    [Fact]
    public async Task Poll_FullEvents_AnEntryWithoutItsResource_IsSentAsANotice_NotA500()
    {
        // An event queued before the receiver took full events (or written without resources): a
        // group PUT's member change without the group. Writing its full form was a
        // NullReferenceException: a 500, and every entry of that poll stayed leased.
        await using var server = await StartAsync(o => o.AddPollReceiver("poller", "aud-poll", PollToken, r => r.FullEvents = true));
        var hub = server.Services.GetRequiredService<ScimEventReceiverHub>();
        var change = new Scim.Core.Events.ScimChangeEvent { ResourceType = "Group", ResourceId = "g1", Tenant = "default", Method = "PUT", Kind = Scim.Core.Events.ScimChangeKind.MembersAdded, ChangedPaths = ["members"], AddedMemberIds = ["u1"], Time = DateTimeOffset.UtcNow };
        await hub.Queue.EnqueueAsync("poller", change, Ct);

        var polled = await PollAsync(server, """{"returnImmediately":true}""");

        var claims = JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(polled.Sets[change.EventId].Split('.')[1]))!;
        Assert.Equal(["urn:ietf:params:scim:event:prov:put:notice"], claims["events"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task Push_AReceiverNarrowedToATenant_IsNotSentAnotherTenantsBacklog()
    {
        // What was queued while the receiver took every tenant is judged again when it is sent:
        // after its Tenants were narrowed, tenant b's entry is dead, with the reason, not sent.
        await using var receiver = await SetReceiver.StartAsync();
        await using var server = await StartAsync(o => o.AddPushReceiver("tenant-a", receiver.Endpoint, "aud", r => r.Tenants.Add("a")));
        var hub = server.Services.GetRequiredService<ScimEventReceiverHub>();
        var queued = new Scim.Core.Events.ScimChangeEvent { ResourceType = "User", ResourceId = "b1", Tenant = "b", Kind = Scim.Core.Events.ScimChangeKind.Created, ChangedPaths = ["userName"], Time = DateTimeOffset.UtcNow };
        await hub.Queue.EnqueueAsync("tenant-a", queued, Ct);

        await server.TenantClient("a", ScimTestServer.TokenA).CreateUserAsync("a-user@example.com");
        await receiver.WaitUntilAsync(sets => sets.Count >= 1, Patience);
        var dead = await WaitForAsync(() => server.Services.GetRequiredService<ScimEventReceivers>().ListDeadAsync("tenant-a", cancellationToken: Ct), d => d.Count == 1);

        Assert.All(receiver.All, s => Assert.Equal("a", (string?)s.Claims["scim_audit"]!["tenant"]));
        Assert.Equal(queued.EventId, Assert.Single(dead).EventId);
        Assert.Contains("Not for this receiver any more", dead[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_ARedirect_IsNoDelivery_AndIsTriedAgain()
    {
        // RFC 8935 §2.2: the push endpoint accepts a SET by its own answer. Followed, a redirect to
        // a sign-in page turned the POST into a GET that answered 200, and the SET was lost.
        await using var receiver = await SetReceiver.StartAsync();
        receiver.Mode = SetReceiverMode.Redirect;
        await using var server = await StartAsync(o => o.AddPushReceiver("behind-login", receiver.Endpoint, "aud"), fastRetries: true);

        var id = (string)(await server.Client().CreateUserAsync("redirected@example.com"))["id"]!;
        await WaitForAsync(() => Task.FromResult(receiver.All.Count), n => n >= 2); // tried, and tried again
        receiver.Mode = SetReceiverMode.Accept;
        await receiver.WaitUntilAsync(sets => sets.Count >= 1, Patience);

        Assert.Equal(0, receiver.LoginHits);
        Assert.Equal("/Users/" + id, receiver.Accepted[0].SubjectUri);
    }

    [Fact]
    public async Task Discovery_AdvertisesTheEventUris_OnlyWithReceivers()
    {
        await using var receiver = await SetReceiver.StartAsync();
        await using var with = await StartAsync(o => o.AddPushReceiver("r", receiver.Endpoint, "aud"));
        await using var without = await ScimTestServer.StartAsync();

        var events = (await with.Client().GetAsync("ServiceProviderConfig")).Json["securityEvents"]!;
        Assert.Equal("none", (string?)events["asyncRequest"]);
        Assert.Contains("urn:ietf:params:scim:event:prov:create:notice", events["eventUris"]!.AsArray().Select(u => (string)u!));
        Assert.DoesNotContain("urn:ietf:params:scim:event:prov:create:full", events["eventUris"]!.AsArray().Select(u => (string)u!));
        Assert.Null((await without.Client().GetAsync("ServiceProviderConfig")).Json["securityEvents"]);
    }

    [Fact]
    public async Task Keys_PublishThePublicKeyOnly()
    {
        await using var server = await StartAsync(o => o.AddPollReceiver("poller", "aud", PollToken));
        var jwks = JsonNode.Parse(await server.Client("", null).Http.GetStringAsync(new Uri(server.Root, ".well-known/scim-events/jwks.json"), Ct))!;
        var key = Assert.Single(jwks["keys"]!.AsArray())!;

        Assert.Equal("EC", (string?)key["kty"]);
        Assert.Equal("P-256", (string?)key["crv"]);
        Assert.Equal("ES256", (string?)key["alg"]);
        Assert.Null(key["d"]);
    }

    [Theory]
    [InlineData("", "Issuer is required")]
    [InlineData("twice", "Two event receivers are named")]
    [InlineData("relative", "absolute http(s) URL")]
    [InlineData("same token", "have the same token")]
    public async Task Startup_BadReceiverOptions_FailWithTheReason(string problem, string message)
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => ScimTestServer.StartAsync(o => o.Scim = scim => scim.AddEventReceivers(sets =>
        {
            sets.Issuer = problem == string.Empty ? string.Empty : Issuer;
            sets.AddPushReceiver("r", new Uri(problem == "relative" ? "/events" : "https://r.example.com/events", UriKind.RelativeOrAbsolute), "aud");
            if (problem == "twice")
            {
                sets.AddPollReceiver("r", "aud", PollToken);
            }

            if (problem == "same token")
            {
                // The poll endpoint tells receivers apart by their token: one would take the other's SETs.
                sets.AddPollReceiver("p1", "aud-1", PollToken);
                sets.AddPollReceiver("p2", "aud-2", PollToken);
            }
        })));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Signing credentials that could not sign a SET stop the host at startup, saying why, rather than failing every delivery.</summary>
    [Theory]
    [InlineData("public key only", "cannot sign SETs")]
    [InlineData("P-384 key for ES256", "curve P-256")]
    [InlineData("P-256 key for ES384", "curve P-384")]
    public async Task Startup_SigningCredentialsThatCannotSign_FailWithTheReason(string problem, string message)
    {
        using var full = System.Security.Cryptography.ECDsa.Create(problem.StartsWith("P-384", StringComparison.Ordinal)
            ? System.Security.Cryptography.ECCurve.NamedCurves.nistP384
            : System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var publicOnly = System.Security.Cryptography.ECDsa.Create(full.ExportParameters(false));
        var key = new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(problem == "public key only" ? publicOnly : full) { KeyId = "k" };
        var algorithm = problem == "P-256 key for ES384" ? Microsoft.IdentityModel.Tokens.SecurityAlgorithms.EcdsaSha384 : Microsoft.IdentityModel.Tokens.SecurityAlgorithms.EcdsaSha256;

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => ScimTestServer.StartAsync(o => o.Scim = scim => scim.AddEventReceivers(sets =>
        {
            sets.Issuer = Issuer;
            sets.SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(key, algorithm);
            sets.AddPollReceiver("r", "aud", PollToken);
        })));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Keys that can sign pass: P-256 with ES256, P-384 with ES384, RSA with RS256.</summary>
    [Fact]
    public async Task Startup_SigningCredentialsThatCanSign_Start()
    {
        using var p256 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        foreach (var credentials in new[]
        {
            new Microsoft.IdentityModel.Tokens.SigningCredentials(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(p256), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.EcdsaSha256),
            new Microsoft.IdentityModel.Tokens.SigningCredentials(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(p384), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.EcdsaSha384),
            new Microsoft.IdentityModel.Tokens.SigningCredentials(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256),
        })
        {
            await using var server = await ScimTestServer.StartAsync(o => o.Scim = scim => scim.AddEventReceivers(sets =>
            {
                sets.Issuer = Issuer;
                sets.SigningCredentials = credentials;
                sets.AddPollReceiver("r", "aud", PollToken);
            }));
        }
    }

    private static Task<ScimTestServer> StartAsync(Action<ScimSetOptions> receivers, bool fastRetries = false, TimeSpan? longPoll = null, TimeSpan? lease = null) =>
        ScimTestServer.StartAsync(o =>
        {
            o.Scim = scim =>
            {
                scim.AddEventReceivers(sets =>
                {
                    sets.Issuer = Issuer;
                    sets.PushTries = 1;
                    sets.LongPollWait = longPoll ?? TimeSpan.FromSeconds(1);
                    receivers(sets);
                });
                if (fastRetries)
                {
                    scim.Services.Configure<ScimServiceOptions>(s =>
                    {
                        s.EventDelivery.RetryDelay = TimeSpan.FromMilliseconds(50);
                        s.EventDelivery.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
                        s.EventDelivery.PollInterval = TimeSpan.FromMilliseconds(50);
                        s.EventDelivery.LeaseDuration = lease ?? TimeSpan.FromMilliseconds(500);
                        s.EventDelivery.MaxAttempts = 1000;
                    });
                }
            };
            o.Map = app =>
            {
                app.MapScimEventPolling("/scim/events/poll");
                app.MapScimEventKeys();
            };
        });

    private static async Task<(Dictionary<string, string> Sets, bool More)> PollAsync(ScimTestServer server, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Root, "scim/events/poll")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PollToken);
        using var http = new HttpClient();
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        return (json["sets"]!.AsObject().ToDictionary(s => s.Key, s => (string)s.Value!), (bool)json["moreAvailable"]!);
    }

    private static string Subject(string token) =>
        (string)JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(token.Split('.')[1]))!["sub_id"]!["uri"]!;

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var until = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTimeOffset.UtcNow > until)
            {
                return value;
            }

            await Task.Delay(20, Ct);
        }
    }
}
