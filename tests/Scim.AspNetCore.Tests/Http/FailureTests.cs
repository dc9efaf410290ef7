using System.Net;
using Scim.AspNetCore.Tests;
using Scim.Core.Resources;
using Scim.Core.Stores;
using Scim.Core;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Http;

/// <summary>An unexpected failure is a 500 SCIM error that gives nothing away.</summary>
public sealed class FailureTests
{
    private const string Secret = "connection string Server=db;Password=hunter2";

    [Theory]
    [InlineData("GET", "Users")]
    [InlineData("GET", "Users/some-id")]
    [InlineData("POST", "Users")]
    [InlineData("DELETE", "Users/some-id")]
    [InlineData("POST", ".search")]
    public async Task ThrowingStore_Returns500ScimBodyWithoutExceptionText(string method, string path)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.AddUserStore<ThrowingUserStore>());

        var response = await server.Client().SendAsync(new HttpMethod(method), path, method != "POST" ? null : path.EndsWith(".search", StringComparison.Ordinal) ? "{}" : """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""");

        Error(response, HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("hunter2", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Server=db", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(ThrowingUserStore), response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThrowingStore_DiscoveryStillWorks()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.AddUserStore<ThrowingUserStore>());

        Assert.Equal(HttpStatusCode.OK, (await server.Client().GetAsync("ServiceProviderConfig")).Status);
    }

    /// <summary>A user store whose database is down.</summary>
    private sealed class ThrowingUserStore : IUserStore
    {
        public Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<ScimPage<User>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<StoreWriteResult<User>> CreateAsync(ScimContext context, User resource, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);
    }
}
