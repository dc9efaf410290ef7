using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.Core.Stores;
using Scim.Core.Tests.Provisioning;

namespace Scim.Core.Tests.Events;

/// <summary>The change events the service publishes: one per change, with kind, who, what, version and time.</summary>
public sealed class ChangeEventTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Patch_EventNamesTheIdpDialectsTheRequestNeeded_AndNoneForAnRfcRequest()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("dialects");

        await kit.Service.PatchAsync(ServiceKit.Context, "Users", id, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}"""), cancellationToken: Ct);
        var entra = kit.Events.All[^1];
        await kit.PatchAsync("Users", id, """{"op":"replace","path":"nickName","value":"Di"}""");
        var rfc = kit.Events.All[^1];
        await kit.Service.PatchAsync(ServiceKit.Context, "Users", id, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"operations":[{"op":"add","value":{"name.givenName":"Di"}}]}"""), cancellationToken: Ct);
        var dotted = kit.Events.All[^1];

        Assert.Equal(ScimChangeKind.Deactivated, entra.Kind);
        Assert.Equal(["OperationNameAnyCase", "BooleanStrings"], entra.Dialects);
        Assert.Equal("PATCH", entra.Method);
        Assert.Empty(rfc.Dialects);
        Assert.Equal(["DottedAndQualifiedKeys", "MessageCasing"], dotted.Dialects);
    }

    [Fact]
    public async Task PostAndPut_EventNamesTheBooleanStringsTheBodyNeeded()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"strings","active":"True"}"""), cancellationToken: Ct);
        var post = kit.Events.All[^1];
        await kit.Service.ReplaceAsync(ServiceKit.Context, "Users", created.Id!, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"strings","active":"False"}"""), cancellationToken: Ct);
        var put = kit.Events.All[^1];
        await kit.Service.ReplaceAsync(ServiceKit.Context, "Users", created.Id!, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"strings","active":true}"""), cancellationToken: Ct);
        var rfc = kit.Events.All[^1];

        Assert.Equal(["BooleanStrings"], post.Dialects);
        Assert.Equal((ScimChangeKind.Deactivated, "PUT"), (put.Kind, put.Method));
        Assert.Equal(["BooleanStrings"], put.Dialects);
        Assert.Empty(rfc.Dialects);
    }

    [Fact]
    public async Task Create_PublishesCreated_WithTenantActorVersionAndTime()
    {
        var clock = new FakeTimeProvider();
        using var kit = new ServiceKit(time: clock);
        var context = new ScimContext("tenant-7", "okta-connector") { BaseUrl = "https://example.com/scim/v2" };

        var created = await kit.Service.CreateAsync(context, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);

        var change = Assert.Single(kit.Events.All);
        Assert.Equal(ScimChangeKind.Created, change.Kind);
        Assert.Equal("User", change.ResourceType);
        Assert.Equal(created.Id, change.ResourceId);
        Assert.Equal("tenant-7", change.Tenant);
        Assert.Equal("okta-connector", change.Actor);
        Assert.Equal(created.Version, change.Version);
        Assert.Equal(clock.GetUtcNow(), change.Time);
        Assert.Contains("userName", change.ChangedPaths);
        Assert.DoesNotContain("meta", change.ChangedPaths);
        Assert.DoesNotContain("schemas", change.ChangedPaths);
        Assert.Equal("POST", change.Method);
        Assert.NotNull(change.Transaction);
        Assert.Null(change.Resource); // only with EventResources
        Assert.Null(change.Before);
        Assert.Null(change.After);
    }

    /// <summary>One Created event, which lists the members the group was created with as added (a subscriber granting access from member events sees the first ones too).</summary>
    [Fact]
    public async Task CreateGroup_PublishesCreated_ListingItsMembersAsAdded()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        kit.Events.Clear();
        var group = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("G", alice, bob, alice), cancellationToken: Ct);
        var change = Assert.Single(kit.Events.All);
        Assert.Equal((ScimChangeKind.Created, "Group", group.Version), (change.Kind, change.ResourceType, change.Version));
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), change.AddedMemberIds.Order(StringComparer.Ordinal));
        Assert.Empty(change.RemovedMemberIds);
        Assert.Equal(["displayName", "members"], change.ChangedPaths); // as a change of its members names them; not the id the service gave it

        kit.Events.Clear();
        await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("Empty"), cancellationToken: Ct);
        var empty = Assert.Single(kit.Events.All);
        Assert.Empty(empty.AddedMemberIds);
        Assert.Equal(["displayName"], empty.ChangedPaths);
    }

    [Fact]
    public async Task EveryKind_OneEventPerChange_WithItsVersionAndTime()
    {
        var clock = new FakeTimeProvider();
        using var kit = new ServiceKit(time: clock);
        var results = new List<(ScimResourceResult? Result, DateTimeOffset Time)>();

        async Task<ScimResourceResult> Step(Func<Task<ScimResourceResult>> call)
        {
            clock.Advance(TimeSpan.FromSeconds(7));
            var result = await call();
            results.Add((result, clock.GetUtcNow()));
            return result;
        }

        var user = await Step(() => kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct));
        var bob = await Step(() => kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bob"), cancellationToken: Ct));
        await Step(() => kit.Service.ReplaceAsync(ServiceKit.Context, "Users", user.Id, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice","active":true,"title":"T"}"""), cancellationToken: Ct));
        await Step(() => kit.PatchAsync("Users", user.Id, """{"op":"replace","path":"nickName","value":"Al"}"""));
        await Step(() => kit.PatchAsync("Users", user.Id, """{"op":"replace","path":"active","value":false}"""));
        await Step(() => kit.PatchAsync("Users", user.Id, """{"op":"replace","path":"active","value":true}"""));
        await Step(() => kit.Service.ReplaceAsync(ServiceKit.Context, "Users", user.Id, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice","active":false}"""), cancellationToken: Ct));
        var group = await Step(() => kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("G"), cancellationToken: Ct));
        await Step(() => kit.PatchAsync("Groups", group.Id, $$"""{"op":"add","path":"members","value":[{"value":"{{user.Id}}"}]}"""));
        await Step(() => kit.PatchAsync("Groups", group.Id, $$"""{"op":"remove","path":"members[value eq \"{{user.Id}}\"]"}"""));
        await Step(() => kit.PatchAsync("Groups", group.Id, $$"""{"op":"replace","path":"members","value":[{"value":"{{bob.Id}}"}]}"""));
        await Step(() => kit.PatchAsync("Groups", group.Id, $$"""{"op":"add","path":"members","value":[{"value":"{{user.Id}}"}]},{"op":"remove","path":"members[value eq \"{{bob.Id}}\"]"}"""));
        await Step(() => kit.PatchAsync("Groups", group.Id, """{"op":"replace","path":"displayName","value":"G2"}"""));

        var events = kit.Events.All;
        Assert.Equal(
            [
                ScimChangeKind.Created, ScimChangeKind.Created, ScimChangeKind.Replaced, ScimChangeKind.Patched, ScimChangeKind.Deactivated,
                ScimChangeKind.Activated, ScimChangeKind.Deactivated, ScimChangeKind.Created, ScimChangeKind.MembersAdded, ScimChangeKind.MembersRemoved,
                ScimChangeKind.MembersAdded, ScimChangeKind.Patched, ScimChangeKind.Patched,
            ],
            events.Select(e => e.Kind));
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(results[i].Result!.Version, events[i].Version);
            Assert.Equal(results[i].Time, events[i].Time);
            Assert.Equal(results[i].Result!.Id, events[i].ResourceId);
            Assert.Equal(("acme", "test-client"), (events[i].Tenant, events[i].Actor));
        }

        Assert.Equal(["title"], events[2].ChangedPaths);
        Assert.Equal(["nickName"], events[3].ChangedPaths);
        Assert.Equal(["active"], events[4].ChangedPaths);
        Assert.Equal(new[] { "active", "title", "nickName" }.Order(StringComparer.Ordinal), events[6].ChangedPaths.Order(StringComparer.Ordinal));
        Assert.Equal([user.Id], events[8].AddedMemberIds);
        Assert.Equal([user.Id], events[9].RemovedMemberIds);
        Assert.Equal([bob.Id], events[10].AddedMemberIds);
        Assert.Equal([user.Id], events[11].AddedMemberIds);
        Assert.Equal([bob.Id], events[11].RemovedMemberIds);
        Assert.Equal(["members"], events[11].ChangedPaths);
        Assert.Equal(["displayName"], events[12].ChangedPaths);
        Assert.Empty(events[12].AddedMemberIds);
    }

    [Fact]
    public async Task Delete_PublishesDeleted_WithNoVersion()
    {
        var clock = new FakeTimeProvider();
        using var kit = new ServiceKit(time: clock);
        var id = await kit.CreateUserAsync("alice");
        clock.Advance(TimeSpan.FromDays(1));
        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", id, cancellationToken: Ct);
        var change = kit.Events.All[^1];
        Assert.Equal((ScimChangeKind.Deleted, id, "User"), (change.Kind, change.ResourceId, change.ResourceType));
        Assert.Null(change.Version);
        Assert.Equal(clock.GetUtcNow(), change.Time);
        Assert.Empty(change.ChangedPaths);
    }

    [Fact]
    public async Task FailedRequests_PublishNothing()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("alice");
        kit.Events.Clear();
        await Assert.ThrowsAsync<Scim.Core.Errors.ScimException>(() => kit.CreateUserAsync("ALICE"));
        await Assert.ThrowsAsync<Scim.Core.Errors.ScimException>(() => kit.PatchAsync("Users", id, """{"op":"replace","path":"active","value":"maybe"}"""));
        await Assert.ThrowsAsync<Scim.Core.Errors.ScimException>(() => kit.Service.DeleteAsync(ServiceKit.Context, "Users", "ghost", cancellationToken: Ct));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task EventValues_Off_NoBeforeOrAfter()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("alice");
        await kit.PatchAsync("Users", id, """{"op":"replace","path":"displayName","value":"A"}""");
        Assert.Null(kit.Events.All[^1].Before);
        Assert.Null(kit.Events.All[^1].After);
    }

    [Fact]
    public async Task EventValues_Off_ActiveRolesAndEntitlements_StillCarryOldAndNewValues()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("alice");

        await kit.PatchAsync("Users", id, """{"op":"replace","path":"active","value":false}""");
        var deactivated = kit.Events.All[^1];
        await kit.PatchAsync("Users", id, """{"op":"add","path":"roles","value":[{"value":"admin"}]},{"op":"replace","path":"displayName","value":"Al"}""");
        var roles = kit.Events.All[^1];
        await kit.PatchAsync("Users", id, """{"op":"add","path":"entitlements","value":[{"value":"billing"}]}""");
        var entitlements = kit.Events.All[^1];

        Assert.Equal(ScimChangeKind.Deactivated, deactivated.Kind);
        Assert.Equal(("""{"active":true}""", """{"active":false}"""), (deactivated.Before!.ToJsonString(), deactivated.After!.ToJsonString()));
        Assert.Equal(("""{"roles":null}""", """{"roles":[{"value":"admin"}]}"""), (roles.Before!.ToJsonString(), roles.After!.ToJsonString()));
        Assert.Equal(("""{"entitlements":null}""", """{"entitlements":[{"value":"billing"}]}"""), (entitlements.Before!.ToJsonString(), entitlements.After!.ToJsonString()));
        Assert.Contains("displayName", roles.ChangedPaths); // changed, but its values stay out without EventValues
        Assert.False(roles.After.ContainsKey("displayName"));
    }

    [Fact]
    public async Task EventValues_On_BeforeAndAfterHoldOnlyChangedAttributes()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { EventValues = true });
        var id = (await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice","displayName":"Old","title":"Keep","name":{"givenName":"Al","familyName":"Ice"}}
            """), cancellationToken: Ct)).Id;

        await kit.PatchAsync("Users", id, """{"op":"replace","value":{"displayName":"New","name.givenName":"Alice"}}""");

        var change = kit.Events.All[^1];
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"displayName":"Old","name":{"givenName":"Al","familyName":"Ice"}}"""), Sorted(change.Before!)), change.Before!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"displayName":"New","name":{"givenName":"Alice","familyName":"Ice"}}"""), Sorted(change.After!)), change.After!.ToJsonString());
    }

    [Fact]
    public async Task EventValues_On_AttributeAdded_BeforeIsNull()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { EventValues = true });
        var id = await kit.CreateUserAsync("alice");
        await kit.PatchAsync("Users", id, """{"op":"add","path":"title","value":"Boss"}""");
        var change = kit.Events.All[^1];
        Assert.Equal("""{"title":null}""", change.Before!.ToJsonString());
        Assert.Equal("""{"title":"Boss"}""", change.After!.ToJsonString());
    }

    [Fact]
    public async Task EventValues_On_PasswordIsRedacted()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { EventValues = true });
        var id = (await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice","password":"old-secret"}"""), cancellationToken: Ct)).Id;

        await kit.PatchAsync("Users", id, """{"op":"replace","value":{"password":"new-secret","nickName":"Al"}}""");
        await kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice","password":"put-secret"}"""), cancellationToken: Ct);

        var patch = kit.Events.All[^2];
        Assert.Equal("[redacted]", (string?)patch.Before!["password"]);
        Assert.Equal("[redacted]", (string?)patch.After!["password"]);
        Assert.Equal("Al", (string?)patch.After!["nickName"]);
        var put = kit.Events.All[^1];
        Assert.Equal("[redacted]", (string?)put.After!["password"]);
        foreach (var change in kit.Events.All.Where(e => e.Before is not null))
        {
            Assert.DoesNotContain("secret", change.Before!.ToJsonString() + change.After!.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EventValues_On_ExtensionAttribute_IsKeyedByUrn()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { EventValues = true });
        var id = await kit.CreateUserAsync("alice");
        await kit.PatchAsync("Users", id, $$"""{"op":"add","path":"{{ServiceKit.Enterprise}}:employeeNumber","value":"42"}""");
        var change = kit.Events.All[^1];
        Assert.Equal("42", (string?)change.After![$"{ServiceKit.Enterprise}:employeeNumber"]);
        Assert.Single(change.After!);
    }

    [Fact]
    public async Task EventValues_On_GroupRename_HasDisplayName()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { EventValues = true });
        var group = await kit.CreateGroupAsync("Old");
        await kit.PatchAsync("Groups", group, """{"op":"replace","path":"displayName","value":"New"}""");
        var change = kit.Events.All[^1];
        Assert.Equal("""{"displayName":"Old"}""", change.Before!.ToJsonString());
        Assert.Equal("""{"displayName":"New"}""", change.After!.ToJsonString());
    }

    [Fact]
    public async Task EventValues_On_MembersChange_ValuesDoNotMisreportMembers()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { EventValues = true });
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var group = await kit.CreateGroupAsync("G", null, alice);

        await kit.PatchAsync("Groups", group, $$"""{"op":"add","path":"members","value":[{"value":"{{bob}}"}]}""");
        var added = kit.Events.All[^1];
        await kit.PatchAsync("Groups", group, $$"""{"op":"replace","path":"displayName","value":"G2"},{"op":"remove","path":"members[value eq \"{{alice}}\"]"}""");
        var both = kit.Events.All[^1];

        // Member changes travel as ids (AddedMemberIds / RemovedMemberIds); the values must not claim the group has no members.
        Assert.Equal([bob], added.AddedMemberIds);
        Assert.False(added.Before!.ContainsKey("members"), added.Before.ToJsonString());
        Assert.False(added.After!.ContainsKey("members"), added.After.ToJsonString());
        Assert.Equal("""{"displayName":"G"}""", both.Before!.ToJsonString());
        Assert.Equal("""{"displayName":"G2"}""", both.After!.ToJsonString());
        Assert.Equal([alice], both.RemovedMemberIds);
    }

    [Fact]
    public async Task ThrowingSubscriber_DoesNotFailTheRequest_OthersStillCalled_AndIsLogged()
    {
        var logger = new RecordingLogger<ScimService>();
        var second = new RecordingSubscriber();
        using var kit = new ServiceKit(logger: logger, extraSubscribers: [new ThrowingSubscriber(), second]);

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);
        await kit.PatchAsync("Users", created.Id, """{"op":"replace","path":"displayName","value":"A"}""");
        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", created.Id, cancellationToken: Ct);

        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Patched, ScimChangeKind.Deleted], kit.Events.All.Select(e => e.Kind));
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Patched, ScimChangeKind.Deleted], second.All.Select(e => e.Kind));
        Assert.Equal(3, logger.Entries.Count);
        Assert.All(logger.Entries, entry =>
        {
            Assert.Equal(LogLevel.Error, entry.Level);
            Assert.IsType<InvalidOperationException>(entry.Exception);
            Assert.Contains(nameof(ThrowingSubscriber), entry.Message, StringComparison.Ordinal);
            Assert.Contains(created.Id, entry.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task ThrowingSubscriberFirst_StillLetsTheOthersRun()
    {
        var logger = new RecordingLogger<ScimService>();
        var later = new RecordingSubscriber();
        using var kit = new ServiceKit(logger: logger, extraSubscribers: [new ThrowingSubscriber(), new ThrowingSubscriber(async: true), later]);
        await kit.CreateUserAsync("alice");
        Assert.Single(later.All);
        Assert.Equal(2, logger.Entries.Count);
    }

    [Fact]
    public async Task ThrowingSubscriber_WithoutLogger_DoesNotFail()
    {
        using var kit = new ServiceKit(extraSubscribers: [new ThrowingSubscriber()]);
        var id = await kit.CreateUserAsync("alice");
        Assert.NotNull(await kit.StoredUserAsync(id));
    }

    private static JsonObject Sorted(JsonObject node)
    {
        var result = new JsonObject();
        foreach (var (key, value) in node.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            result[key] = value is JsonObject inner ? Sorted(inner) : value?.DeepClone();
        }

        return result;
    }

    private sealed class ThrowingSubscriber(bool async = false) : IScimEventSubscriber
    {
        public async Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
        {
            if (async)
            {
                await Task.Yield();
            }

            throw new InvalidOperationException("subscriber down");
        }
    }
}
