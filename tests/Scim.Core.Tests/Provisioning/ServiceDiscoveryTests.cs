using System.Text.Json.Nodes;
using Scim.Core.Discovery;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// The discovery documents the service computes: only the resource types that have a store, and
/// only the schemas those use; ServiceProviderConfig from the options and what the stores can do.
/// </summary>
public sealed class ServiceDiscoveryTests
{
    private const string GroupTeam = "urn:example:params:scim:schemas:extension:Team:2.0:Group";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScimContext Context => ServiceKit.Context;

    /// <summary>A service over an in-memory user store and no group store; a Team extension is registered on Group.</summary>
    private static ScimService UsersOnly(ScimServiceOptions? options = null, IUserStore? users = null)
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("Group", TeamSchema());
        return ScimService.Create(registry, users ?? new InMemoryUserStore(registry), null, options);
    }

    private static ScimService Both(ScimServiceOptions? options = null)
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("Group", TeamSchema());
        return ScimService.Create(registry, new InMemoryUserStore(registry), new InMemoryGroupStore(registry), options);
    }

    private static ScimSchema TeamSchema() =>
        new(GroupTeam, "Team", "A team's cost centre.", [new SchemaAttribute("costCenter", AttributeType.String)]);

    private static List<string> Ids(ScimDocument list) =>
        list.Body["Resources"]!.AsArray().Select(r => (string)r!["id"]!).ToList();

    private static JsonObject Config(ScimService service) => service.GetServiceProviderConfig(Context).Body;

    // ---------------------------------------------------------------- what is served

    [Fact]
    public void ResourceTypes_BothStores_ListUserAndGroup()
    {
        var list = Both().GetResourceTypes(Context);

        Assert.Equal(["User", "Group"], Ids(list));
        Assert.Equal(2, (int)list.Body["totalResults"]!);
    }

    [Fact]
    public void ResourceTypes_UserStoreOnly_ListOnlyUser()
    {
        var service = UsersOnly();

        var list = service.GetResourceTypes(Context);

        Assert.Equal(["User"], Ids(list));
        Assert.Equal(1, (int)list.Body["totalResults"]!);
        Assert.Equal(["User"], service.ResourceTypes.Select(t => t.Name));
    }

    [Theory]
    [InlineData("User")]
    [InlineData("user")]
    [InlineData("USER")]
    public void ResourceType_Served_IsFoundInAnyCase(string name)
    {
        var document = UsersOnly().GetResourceType(Context, name).Body;

        Assert.Equal("User", (string?)document["id"]);
        Assert.Equal("/Users", (string?)document["endpoint"]);
        Assert.Equal("https://example.com/scim/v2/ResourceTypes/User", (string?)document["meta"]!["location"]);
    }

    [Theory]
    [InlineData("Group")]
    [InlineData("group")]
    [InlineData("Groups")]
    [InlineData("Device")]
    [InlineData("")]
    public void ResourceType_NotServed_Is404(string name)
    {
        var error = Assert.Throws<Scim.Core.Errors.ScimException>(() => UsersOnly().GetResourceType(Context, name));

        Assert.Equal((404, null), (error.Status, error.ScimType));
    }

    [Fact]
    public void ResourceType_Group_IsServedWhenThereIsAGroupStore()
    {
        Assert.Equal("/Groups", (string?)Both().GetResourceType(Context, "group").Body["endpoint"]);
    }

    [Fact]
    public void Schemas_BothStores_ListEverySchemaInRegistrationOrder()
    {
        Assert.Equal([ScimSchemaUris.User, ScimSchemaUris.Group, ScimSchemaUris.EnterpriseUser, GroupTeam], Ids(Both().GetSchemas(Context)));
    }

    [Fact]
    public void Schemas_UserStoreOnly_ListOnlyTheUserSchemas_NotGroupsNorItsExtensions()
    {
        var list = UsersOnly().GetSchemas(Context);

        Assert.Equal([ScimSchemaUris.User, ScimSchemaUris.EnterpriseUser], Ids(list));
        Assert.Equal(2, (int)list.Body["totalResults"]!);
    }

    [Theory]
    [InlineData(ScimSchemaUris.User)]
    [InlineData(ScimSchemaUris.EnterpriseUser)]
    [InlineData("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER")]
    public void Schema_OfAServedType_IsFoundInAnyCase(string id)
    {
        var document = UsersOnly().GetSchema(Context, id).Body;

        Assert.Equal(id, (string?)document["id"], StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(ScimSchemaUris.Group)]
    [InlineData(GroupTeam)]
    [InlineData("urn:example:nothing")]
    [InlineData(ScimSchemaUris.ServiceProviderConfig)]
    public void Schema_NotUsedByAServedType_Is404(string id)
    {
        var error = Assert.Throws<Scim.Core.Errors.ScimException>(() => UsersOnly().GetSchema(Context, id));

        Assert.Equal((404, null), (error.Status, error.ScimType));
    }

    [Fact]
    public void Schema_GroupAndItsExtension_AreServedWhenThereIsAGroupStore()
    {
        var service = Both();

        Assert.Equal(ScimSchemaUris.Group, (string?)service.GetSchema(Context, ScimSchemaUris.Group).Body["id"]);
        Assert.Equal(GroupTeam, (string?)service.GetSchema(Context, GroupTeam).Body["id"]);
    }

    [Fact]
    public async Task Groups_UserStoreOnly_EveryOperationIs404()
    {
        var service = UsersOnly();

        Assert.Null(service.FindResourceType("Groups"));
        Assert.Null(service.FindResourceType("Group"));
        await ServiceKit.ThrowsScimAsync(404, null, () => service.ListAsync(Context, "Groups", null, Ct));
        await ServiceKit.ThrowsScimAsync(404, null, () => service.CreateAsync(Context, "Groups", ServiceKit.GroupBody("G"), null, Ct));
        await ServiceKit.ThrowsScimAsync(404, null, () => service.GetAsync(Context, "Groups", "x", null, Ct));
        await ServiceKit.ThrowsScimAsync(404, null, () => service.DeleteAsync(Context, "Groups", "x", null, Ct));
        Assert.NotNull(service.FindResourceType("Users"));
    }

    [Fact]
    public void Discovery_NullArguments_Throw()
    {
        var service = UsersOnly();

        Assert.Throws<ArgumentNullException>(() => service.GetServiceProviderConfig(null!));
        Assert.Throws<ArgumentNullException>(() => service.GetResourceTypes(null!));
        Assert.Throws<ArgumentNullException>(() => service.GetResourceType(Context, null!));
        Assert.Throws<ArgumentNullException>(() => service.GetSchemas(null!));
        Assert.Throws<ArgumentNullException>(() => service.GetSchema(Context, null!));
    }

    // ---------------------------------------------------------------- ServiceProviderConfig from the options

    [Fact]
    public void ServiceProviderConfig_DefaultOptions_ClaimWhatTheServiceDoes()
    {
        var config = Config(Both());

        Assert.True((bool)config["patch"]!["supported"]!);
        Assert.True((bool)config["sort"]!["supported"]!);
        Assert.True((bool)config["etag"]!["supported"]!);
        Assert.True((bool)config["filter"]!["supported"]!);
        Assert.Equal(1000, (int)config["filter"]!["maxResults"]!);
        Assert.True((bool)config["changePassword"]!["supported"]!);
        Assert.True((bool)config["bulk"]!["supported"]!);
        Assert.Equal(1000, (int)config["bulk"]!["maxOperations"]!);
        Assert.Equal(1_048_576, (int)config["bulk"]!["maxPayloadSize"]!);
        Assert.Equal(100, (int)config["pagination"]!["defaultPageSize"]!);
        Assert.Equal(1000, (int)config["pagination"]!["maxPageSize"]!);
        Assert.False(config.ContainsKey("documentationUri"));
        Assert.Empty(config["authenticationSchemes"]!.AsArray());
        Assert.Equal("https://example.com/scim/v2/ServiceProviderConfig", (string?)config["meta"]!["location"]);
    }

    /// <summary>
    /// A user store that keeps no password turns <c>changePassword</c> off whatever the options
    /// say: one declared without <c>password</c> (a host's table), or one that says it keeps none.
    /// </summary>
    [Theory]
    [InlineData("declared without it", false)]
    [InlineData("declared with it", true)]
    [InlineData("not kept", false)]
    [InlineData("in memory", true)]
    public void ChangePassword_FollowsWhetherTheUserStoreKeepsPasswords(string store, bool supported)
    {
        var registry = SchemaRegistry.CreateDefault();
        switch (store)
        {
            case "declared without it":
                registry.DeclareStoredAttributes("User", ["userName", "active"]);
                break;
            case "declared with it":
                registry.DeclareStoredAttributes("User", ["userName", "password"]);
                break;
            case "not kept":
                registry.DeclareNotKept("User", "password");
                break;
        }

        var service = ScimService.Create(registry, new InMemoryUserStore(registry), null, new ScimServiceOptions { ChangePasswordSupported = true });

        Assert.Equal(supported, (bool)Config(service)["changePassword"]!["supported"]!);
    }

    [Fact]
    public void ServiceProviderConfig_HostOptions_AreWhatItSays()
    {
        var options = new ScimServiceOptions
        {
            ChangePasswordSupported = false,
            DocumentationUri = new Uri("https://example.com/help/scim"),
            MaxPayloadSize = 4096,
            MaxCount = 50,
            DefaultCount = 10,
            Bulk = { Enabled = false, MaxOperations = 7 },
        };
        options.AuthenticationSchemes.Add(new AuthenticationScheme("httpbasic", "HTTP Basic", "Basic credentials") { Primary = true });

        var config = Config(Both(options));

        Assert.False((bool)config["changePassword"]!["supported"]!);
        Assert.Equal("https://example.com/help/scim", (string?)config["documentationUri"]);
        Assert.False((bool)config["bulk"]!["supported"]!);
        Assert.Equal(7, (int)config["bulk"]!["maxOperations"]!);
        Assert.Equal(4096, (int)config["bulk"]!["maxPayloadSize"]!);
        Assert.Equal(50, (int)config["filter"]!["maxResults"]!);
        Assert.Equal(10, (int)config["pagination"]!["defaultPageSize"]!);
        Assert.Equal(50, (int)config["pagination"]!["maxPageSize"]!);
        var scheme = Assert.Single(config["authenticationSchemes"]!.AsArray())!;
        Assert.Equal("httpbasic", (string?)scheme["type"]);
        Assert.Equal("HTTP Basic", (string?)scheme["name"]);
        Assert.True((bool)scheme["primary"]!);
    }

    [Fact]
    public void ServiceProviderConfig_IsComputedOnce_FromTheOptionsAtTheFirstRequest()
    {
        var options = new ScimServiceOptions { DocumentationUri = new Uri("https://example.com/first") };
        var service = Both(options);
        var first = Config(service);

        options.DocumentationUri = new Uri("https://example.com/second");
        options.ChangePasswordSupported = false;
        var second = Config(service);

        Assert.Equal("https://example.com/first", (string?)second["documentationUri"]);
        Assert.True((bool)second["changePassword"]!["supported"]!);
        Assert.True(JsonNode.DeepEquals(first, second));
    }

    [Fact]
    public void ServiceProviderConfig_InMemoryStores_OfferCursorPagingWithoutATimeout()
    {
        var pagination = Config(Both())["pagination"]!.AsObject();

        Assert.True((bool)pagination["cursor"]!);
        Assert.True((bool)pagination["index"]!);
        Assert.False(pagination.ContainsKey("cursorTimeout"));
    }

    [Fact]
    public void ServiceProviderConfig_AUserStoreWithoutCursors_OffersIndexPagingOnly()
    {
        var registry = SchemaRegistry.CreateDefault();
        var service = ScimService.Create(registry, new IndexPagedUsers(new InMemoryUserStore(registry)));

        var pagination = Config(service)["pagination"]!.AsObject();

        Assert.False((bool)pagination["cursor"]!);
        Assert.True((bool)pagination["index"]!);
        Assert.False(pagination.ContainsKey("cursorTimeout"));
    }

    [Fact]
    public void ServiceProviderConfig_AStoreWithACursorTimeout_AdvertisesIt()
    {
        var registry = SchemaRegistry.CreateDefault();
        var service = ScimService.Create(registry, new CursorPagedUsers(new InMemoryUserStore(registry), TimeSpan.FromSeconds(90)));

        var pagination = Config(service)["pagination"]!.AsObject();

        Assert.True((bool)pagination["cursor"]!);
        Assert.Equal(90, (int)pagination["cursorTimeout"]!);
    }

    [Fact]
    public void ServiceProviderConfig_AGroupStoreWithoutCursors_TurnsCursorPagingOff()
    {
        var registry = SchemaRegistry.CreateDefault();
        var service = ScimService.Create(registry, new InMemoryUserStore(registry), new IndexPagedGroups(new InMemoryGroupStore(registry)));

        Assert.False((bool)Config(service)["pagination"]!["cursor"]!);
    }

    [Fact]
    public async Task Cursor_NotOfferedByTheStores_IsInvalidValue()
    {
        var registry = SchemaRegistry.CreateDefault();
        var service = ScimService.Create(registry, new IndexPagedUsers(new InMemoryUserStore(registry)));

        await ServiceKit.ThrowsScimAsync(400, Scim.Core.Errors.ScimErrorType.InvalidValue, () => service.ListAsync(Context, "Users", new ScimListRequest { Cursor = string.Empty }, Ct));
        Assert.Equal(0, (await service.ListAsync(Context, "Users", new ScimListRequest { StartIndex = 1 }, Ct)).TotalResults);
    }

    /// <summary>A user store that pages by index only (it does not implement <see cref="ICursorPagingStore"/>).</summary>
    private sealed class IndexPagedUsers(IUserStore rows) : DelegatingUserStore(rows);

    /// <summary>A user store whose cursors expire.</summary>
    private sealed class CursorPagedUsers(IUserStore rows, TimeSpan timeout) : IUserStore, ICursorPagingStore
    {
        public TimeSpan? CursorTimeout => timeout;

        public Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => rows.GetAsync(context, id, hints, cancellationToken);

        public Task<ScimPage<User>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => rows.QueryAsync(context, query, cancellationToken);

        public Task<StoreWriteResult<User>> CreateAsync(ScimContext context, User resource, CancellationToken cancellationToken) => rows.CreateAsync(context, resource, cancellationToken);

        public Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken) => rows.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

        public Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => rows.DeleteAsync(context, id, expectedVersion, cancellationToken);
    }

    /// <summary>A group store that pages by index only.</summary>
    private sealed class IndexPagedGroups(IGroupStore rows) : IGroupStore
    {
        public Task<Group?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => rows.GetAsync(context, id, hints, cancellationToken);

        public Task<ScimPage<Group>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => rows.QueryAsync(context, query, cancellationToken);

        public Task<StoreWriteResult<Group>> CreateAsync(ScimContext context, Group resource, CancellationToken cancellationToken) => rows.CreateAsync(context, resource, cancellationToken);

        public Task<StoreWriteResult<Group>> ReplaceAsync(ScimContext context, Group resource, string? expectedVersion, CancellationToken cancellationToken) => rows.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

        public Task<StoreWriteResult<Group>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => rows.DeleteAsync(context, id, expectedVersion, cancellationToken);

        public Task<GroupPatchResult> PatchAsync(ScimContext context, GroupPatch patch, CancellationToken cancellationToken) => rows.PatchAsync(context, patch, cancellationToken);

        public Task<IReadOnlyList<MemberGroup>> GetGroupsOfMembersAsync(ScimContext context, IReadOnlyCollection<string> memberIds, CancellationToken cancellationToken) => rows.GetGroupsOfMembersAsync(context, memberIds, cancellationToken);

        public Task<IReadOnlyList<string>> MemberDeletedAsync(ScimContext context, string memberId, IReadOnlyCollection<string> formerGroupIds, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken) =>
            rows.MemberDeletedAsync(context, memberId, formerGroupIds, newVersion, lastModified, cancellationToken);
    }
}
