using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scim.AspNetCore;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.AspNetCore.Tests;

/// <summary>
/// The README's quick start with the store line it names as the alternative (the host's own
/// <c>IUserStore</c> and <c>IGroupStore</c>) serves SCIM behind its bearer token. The README's text
/// itself is compared with the EF Core variant in Scim.EntityFrameworkCore.Tests.
/// </summary>
public sealed class QuickStartWithHostStoresTests
{
    [Fact]
    public async Task QuickStart_ServesScimWithTheToken()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var token = "quick-start-token";

        builder.Services.AddScim()
            .AddUserStore<MyUserStore>()        // your IUserStore over your users table (or .AddInMemoryStores())
            .AddGroupStore<MyGroupStore>();
        builder.Services.AddAuthentication().AddScimBearerTokens(t => t.AddToken("default", "entra", token));
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapScim("/scim/v2").RequireScimBearerToken();

        await using (app)
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/scim/v2/") };

            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("Users", TestContext.Current.CancellationToken)).StatusCode);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var created = await http.PostAsync("Users", new StringContent("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"quick"}""", null, "application/scim+json"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var list = await http.GetStringAsync("Users?filter=userName%20eq%20%22QUICK%22", TestContext.Current.CancellationToken);
            Assert.Contains("\"totalResults\":1", list, StringComparison.Ordinal);
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Stands for a host's store over its own table; here it keeps users in memory (one per app: registered as a singleton-backed scope).</summary>
    private sealed class MyUserStore(SchemaRegistry registry) : IUserStore
    {
        private static readonly Dictionary<SchemaRegistry, IUserStore> Stores = [];

        private IUserStore Inner
        {
            get
            {
                lock (Stores)
                {
                    return Stores.TryGetValue(registry, out var store) ? store : Stores[registry] = InMemoryRows.Users();
                }
            }
        }

        public Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => Inner.GetAsync(context, id, hints, cancellationToken);

        public Task<ScimPage<User>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => Inner.QueryAsync(context, query, cancellationToken);

        public Task<StoreWriteResult<User>> CreateAsync(ScimContext context, User resource, CancellationToken cancellationToken) => Inner.CreateAsync(context, resource, cancellationToken);

        public Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken) => Inner.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

        public Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => Inner.DeleteAsync(context, id, expectedVersion, cancellationToken);
    }

    /// <summary>Stands for a host's group store.</summary>
    private sealed class MyGroupStore(SchemaRegistry registry) : IGroupStore
    {
        private static readonly Dictionary<SchemaRegistry, IGroupStore> Stores = [];

        private IGroupStore Inner
        {
            get
            {
                lock (Stores)
                {
                    return Stores.TryGetValue(registry, out var store) ? store : Stores[registry] = InMemoryRows.Groups();
                }
            }
        }

        public Task<Group?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => Inner.GetAsync(context, id, hints, cancellationToken);

        public Task<ScimPage<Group>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => Inner.QueryAsync(context, query, cancellationToken);

        public Task<StoreWriteResult<Group>> CreateAsync(ScimContext context, Group resource, CancellationToken cancellationToken) => Inner.CreateAsync(context, resource, cancellationToken);

        public Task<StoreWriteResult<Group>> ReplaceAsync(ScimContext context, Group resource, string? expectedVersion, CancellationToken cancellationToken) => Inner.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

        public Task<StoreWriteResult<Group>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => Inner.DeleteAsync(context, id, expectedVersion, cancellationToken);

        public Task<GroupPatchResult> PatchAsync(ScimContext context, GroupPatch patch, CancellationToken cancellationToken) => Inner.PatchAsync(context, patch, cancellationToken);

        public Task<IReadOnlyList<MemberGroup>> GetGroupsOfMembersAsync(ScimContext context, IReadOnlyCollection<string> memberIds, CancellationToken cancellationToken) => Inner.GetGroupsOfMembersAsync(context, memberIds, cancellationToken);

        public Task<IReadOnlyList<string>> MemberDeletedAsync(ScimContext context, string memberId, IReadOnlyCollection<string> formerGroupIds, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken) => Inner.MemberDeletedAsync(context, memberId, formerGroupIds, newVersion, lastModified, cancellationToken);
    }
}
