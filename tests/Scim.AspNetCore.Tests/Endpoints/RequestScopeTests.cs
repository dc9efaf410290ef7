using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Scim.AspNetCore.Tests;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// With singleton stores every request shares one service; a scoped store (one over a DbContext)
/// must still get a fresh instance in every request.
/// </summary>
public sealed class RequestScopeTests
{
    [Fact]
    public async Task AScopedUserStore_IsMadeAgainForEveryRequest()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = scim =>
        {
            scim.Services.AddSingleton<StoreLog>();
            scim.AddUserStore<ScopedUserStore>();
        });
        var log = server.Services.GetRequiredService<StoreLog>();
        var client = server.Client();
        var before = log.Made;

        var created = await client.CreateUserAsync("scoped");
        Resource(await client.GetAsync("Users/" + created["id"]), HttpStatusCode.OK);
        List(await client.GetAsync("Users"), totalResults: 1);

        Assert.Equal(before + 3, log.Made);
    }

    /// <summary>Counts the stores made; holds the rows they share.</summary>
    private sealed class StoreLog
    {
        private int _made;

        public IUserStore Rows { get; } = InMemoryRows.Users();

        public int Made => Volatile.Read(ref _made);

        public void Count() => Interlocked.Increment(ref _made);
    }

    private sealed class ScopedUserStore : IUserStore
    {
        private readonly IUserStore _rows;

        public ScopedUserStore(StoreLog log)
        {
            log.Count();
            _rows = log.Rows;
        }

        public Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => _rows.GetAsync(context, id, hints, cancellationToken);

        public Task<ScimPage<User>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => _rows.QueryAsync(context, query, cancellationToken);

        public Task<StoreWriteResult<User>> CreateAsync(ScimContext context, User resource, CancellationToken cancellationToken) => _rows.CreateAsync(context, resource, cancellationToken);

        public Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken) => _rows.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

        public Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => _rows.DeleteAsync(context, id, expectedVersion, cancellationToken);
    }
}
